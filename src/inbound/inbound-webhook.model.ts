// Losant's webhook resource (seed 003), received here: an HTTP call to /webhooks/{token} becomes an MQTT
// message to the devices (or the org topic) of its `target`.

/** Where a call is published: one device, every device of a template or group, or a topic under orgs/{orgId}/. */
export interface InboundTarget {
  deviceId?: string;
  templateId?: string;
  groupId?: string;
  topic?: string;
  /** Device targets: the downlink sub-topic (`devices/{id}/downlink/{path}`); default `webhook`. */
  path?: string;
}

export interface InboundWebhook {
  id: string;
  orgId: number;
  name: string;
  description: string;
  token: string;
  responseCode: number;
  verificationType: 'none';
  verificationCode: string;
  basicAuthUsername: string | null;
  /** SecretBox-sealed. */
  basicAuthPassword: string | null;
  waitForReply: boolean;
  enabled: boolean;
  /** Null: as in Losant, calls only raise inbound.received (for outbound webhooks to fan out). */
  target: InboundTarget | null;
  creationDate: string;
  lastUpdated: string;
}

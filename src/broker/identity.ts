import type { Client } from 'aedes';

/** Who is behind an MQTT connection, settled once at CONNECT. */
export type Identity =
  /** `protocol` 'blynk': logged in Blynk's way (user name `device`), speaks Blynk's topics (broker/blynk/). */
  | { kind: 'device'; id: string; orgId: number; protocol?: 'blynk' }
  | { kind: 'agent'; id: string; orgId: number }
  | { kind: 'service'; id: string; orgId: number }
  /** MQTT_SANDBOX only: no credentials, no org; sees nothing under devices/ or orgs/. */
  | { kind: 'sandbox'; id: string; orgId: 0 };

export type GatewayClient = Client & { identity?: Identity; rejectIdentifier?: boolean };

/** Topic that denied publishes are rewritten to: acknowledged as usual, routed nowhere. */
export const DENIED_TOPIC = '$GW/denied';

/** Topics of the gateway's own namespaces; everything else is sandbox space. */
export const isGatewayTopic = (topic: string): boolean => topic.startsWith('devices/') || topic.startsWith('orgs/');

/** A device connected with Blynk's device MQTT API: its topics are mapped at the broker (broker/blynk/). */
export const isBlynk = (who: Identity | undefined): who is Extract<Identity, { kind: 'device' }> =>
  who?.kind === 'device' && who.protocol === 'blynk';

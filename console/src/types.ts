// What the REST API returns (see src/storage/ports.ts and the webhook model on the server).

export interface Device {
  id: string;
  name: string;
  type: 'PRIVATE' | 'LOCAL' | 'PUBLIC';
  templateId: string | null;
  groupIds: string[];
  agentId: string | null;
  metadata: Record<string, unknown>;
  status: string;
  lastSeen: number | null;
  values: Record<string, { value: unknown; ts: number }>;
  lastEvent: { code: string; description: string; ts: number } | null;
  createdAt: number;
}

export interface PageOf<T> {
  items: T[];
  page: number;
  size: number;
  total: number;
}

export interface User {
  id: number;
  email: string;
  name: string;
  createdAt?: number;
}

export interface Condition {
  op: string;
  value?: number | string | boolean;
  value2?: number;
  hysteresis?: number;
  forMs?: number;
}

export interface DataTrigger {
  deviceId?: string;
  templateId?: string;
  dataStream?: string;
  eventCode?: string;
  statuses?: string[];
  eventCodes?: string[];
  deviceIds?: string[];
  deviceGroupIds?: string[];
  condition?: Condition;
  throttleMs?: number;
}

export interface Signature {
  type: 'STANDARD_WEBHOOKS' | 'HMAC_SHA256';
  header?: string;
  encoding?: 'hex' | 'base64';
  prefix?: string;
  timestampHeader?: string;
  signTimestamp?: boolean;
}

export interface Webhook {
  id: number;
  name: string;
  description: string;
  trigger: string;
  dataTrigger: DataTrigger | null;
  url: string;
  method: string;
  contentType: string;
  authType: string;
  body: string;
  formBody: Record<string, string>;
  headers: Record<string, string>;
  basicAuth: { username: string; password: string } | null;
  bearerToken: string | null;
  oAuth2Request: { tokenUrl: string; clientId: string; clientSecret: string; scope?: string } | null;
  failureReceivers: number[];
  failureLimit: number;
  /** How callbacks are signed (absent on an older gateway: Standard Webhooks). */
  signature?: Signature;
  rateLimitPerMinute?: number | null;
  status: 'ENABLED' | 'DISABLED' | 'DISABLED_DUE_TO_ERRORS';
  attemptCount: number;
  failureCount: number;
  lastTriggeredTs: number | null;
}

export interface Attempt {
  n: number;
  ts: number;
  durationMs: number;
  statusCode: number | null;
  response: string;
  error: string | null;
  nextRetryAt: number | null;
  /** Bounded; absent on attempts stored before the gateway kept them. */
  responseHeaders?: { name: string; value: string }[];
}

export interface Delivery {
  id: number;
  messageId: string;
  event: string;
  deviceId: string;
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  status: string;
  attemptCount: number;
  attempts: Attempt[];
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** GET …/deliveries: a page, and the endpoint's breaker as the serving instance sees it. */
export interface DeliveryPage extends PageOf<Delivery> {
  endpoint?: { failing: boolean; nextProbeAt: number | null };
}

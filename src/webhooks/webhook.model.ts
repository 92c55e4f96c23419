// The webhook resource (Blynk, seed 000; docs/architecture.md §5), plus Kobiton's description and a signing secret.
import type { DeviceStatus } from '../devices/device.model.js';

/**
 * Blynk's 13 trigger types, plus DEVICE_STATUS (Kobiton's device-status webhooks) and DEVICE_EVENTS: any of a
 * set of statuses and log-event codes, which is what one Bold subscription (several topics) becomes — and
 * INBOUND_WEBHOOK_RECEIVED: every call to one of the org's inbound webhooks.
 */
export const TRIGGERS = [
  'NEW_USER',
  'DELETED_USER',
  'UPDATED_USER',
  'DEVICE_ADDED',
  'DEVICE_DELETED',
  'DEVICE_DATASTREAM_UPDATE',
  'PRODUCT_DATASTREAM_UPDATE',
  'GLOBAL_PRODUCT_DATASTREAM_UPDATE',
  'DEVICE_LOG_EVENT',
  'PRODUCT_LOG_EVENT',
  'GLOBAL_PRODUCT_LOG_EVENT',
  'FIRST_DEVICE_CONNECTION_IN_ORG',
  'ORGANIZATION_ADDED',
  'DEVICE_STATUS',
  'DEVICE_EVENTS',
  'INBOUND_WEBHOOK_RECEIVED',
] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const CONTENT_TYPES = ['JSON', 'PLAIN_TEXT', 'URL_ENCODED_FORM'] as const;
export const AUTH_TYPES = ['NONE', 'BASIC', 'BEARER', 'OAUTH2'] as const;
export const WEBHOOK_STATUSES = ['ENABLED', 'DISABLED', 'DISABLED_DUE_TO_ERRORS'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];
export const SIGNATURE_TYPES = ['STANDARD_WEBHOOKS', 'HMAC_SHA256'] as const;
export const SIGNATURE_ENCODINGS = ['hex', 'base64'] as const;

/**
 * How callbacks are signed. STANDARD_WEBHOOKS (the default): webhook-id, webhook-timestamp, webhook-signature.
 * HMAC_SHA256: `header` carries `prefix` + the hex or base64 HMAC-SHA256 of the raw body, keyed with the
 * signing secret's text as issued (what GitHub-, Shopify- or Bold-style receivers check); `timestampHeader`, if
 * named, carries the Unix time in seconds, and with `signTimestamp` the HMAC covers `<timestamp>.<body>` instead.
 */
export interface SignatureOption {
  type: (typeof SIGNATURE_TYPES)[number];
  header?: string;
  encoding?: (typeof SIGNATURE_ENCODINGS)[number];
  prefix?: string;
  timestampHeader?: string;
  signTimestamp?: boolean;
}
export const DEFAULT_SIGNATURE: SignatureOption = { type: 'STANDARD_WEBHOOKS' };

export const CONDITION_OPS = ['any', 'changed', 'eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'outside'] as const;

export interface Condition {
  op: (typeof CONDITION_OPS)[number];
  value?: number | string | boolean;
  value2?: number;
  hysteresis?: number;
  forMs?: number;
}

/** Our shape for Blynk's unpublished `dataTrigger` (docs/architecture.md §4). */
export interface DataTrigger {
  deviceId?: string;
  templateId?: string;
  dataStream?: string;
  eventCode?: string;
  /** DEVICE_EVENTS: log-event codes that fire it. */
  eventCodes?: string[];
  statuses?: DeviceStatus[];
  deviceIds?: string[];
  deviceGroupIds?: string[];
  condition?: Condition;
  throttleMs?: number;
  /** INBOUND_WEBHOOK_RECEIVED: only calls to this inbound webhook (Losant's workflow trigger names one). */
  inboundWebhookId?: string;
}

export interface OAuth2Request {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}
export interface BasicAuth {
  username: string;
  password: string;
}

/** As stored: every secret field holds SecretBox-sealed text, never clear text. */
export interface Webhook {
  id: number;
  orgId: number;
  name: string;
  description: string;
  trigger: Trigger;
  dataTrigger: DataTrigger | null;
  url: string;
  method: (typeof METHODS)[number];
  contentType: (typeof CONTENT_TYPES)[number];
  authType: (typeof AUTH_TYPES)[number];
  body: string;
  formBody: Record<string, string>;
  headers: Record<string, string>;
  basicAuth: BasicAuth | null;
  bearerToken: string | null;
  oAuth2Request: OAuth2Request | null;
  /** Bold's `secretHttp`, sent verbatim in the X-Webhook-Secret header of every callback. */
  httpSecret: string | null;
  failureReceivers: number[];
  failureLimit: number;
  status: WebhookStatus;
  attemptCount: number;
  failureCount: number;
  secret: string;
  /** Absent on webhooks stored before it existed: Standard Webhooks. */
  signature?: SignatureOption;
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
  createdAt: number;
  lastModifiedTs: number;
  lastTriggeredTs: number | null;
  /** 'bold': created by Bold's POST /v2/webhooks — callbacks name the Bold topic and carry a plain HMAC. */
  origin?: 'bold';
  /** Callbacks per minute at most (Blynk's console offers 10/min); over it a delivery waits. Absent: no limit. */
  rateLimitPerMinute?: number | null;
}

/** A webhook's health: changed at run time by WebhookCatalog's named operations only (one writer per record). */
export type WebhookHealthField = 'status' | 'attemptCount' | 'failureCount' | 'lastTriggeredTs';

/** A webhook as the catalog hands it out: its health read-only (configuration changes go through REST). */
export type WebhookRecord = Omit<Webhook, WebhookHealthField> & Readonly<Pick<Webhook, WebhookHealthField>>;

/** Triggers whose dataTrigger must name a datastream / an event code (Blynk: "required for datastream and log event triggers"). */
export const DATASTREAM_TRIGGERS = new Set<Trigger>([
  'DEVICE_DATASTREAM_UPDATE',
  'PRODUCT_DATASTREAM_UPDATE',
  'GLOBAL_PRODUCT_DATASTREAM_UPDATE',
]);
export const LOG_EVENT_TRIGGERS = new Set<Trigger>([
  'DEVICE_LOG_EVENT',
  'PRODUCT_LOG_EVENT',
  'GLOBAL_PRODUCT_LOG_EVENT',
]);

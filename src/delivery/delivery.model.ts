// The outbox row (docs/architecture.md §5): one matched event for one webhook, rendered per attempt from the webhook's
// current configuration, signed per attempt.
import type { DatastreamValue, Device } from '../devices/device.model.js';
import type { GatewayEvent } from '../events/gateway-event.js';

/**
 * pending: waiting for its next attempt (first or retry). held: kept while its webhook is disabled.
 * delivered / failed (retry schedule exhausted, or 410) / dropped (its webhook was deleted) are final.
 */
export const DELIVERY_STATUSES = ['pending', 'held', 'delivered', 'failed', 'dropped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** An HTTP request before credentials and signatures are added. */
export interface RenderedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The device as it was when the event matched, as far as a callback can speak of it: its fixed fields, its
 * template's name, and of its datastreams and metadata only those its webhook's templates name (render/
 * snapshot.ts). Rows written before held the whole device (a superset: they render the same).
 */
export type DeviceSnapshot = Pick<Device, 'name' | 'type' | 'templateId' | 'status' | 'groupIds' | 'createdAt'> & {
  /** `device_productName`: the template's name in the device's own organization (or one above it). */
  productName?: string;
  values: Record<string, DatastreamValue>;
  metadata: Record<string, unknown>;
};

/** What is fixed at match time: the event, the device state and the names the placeholders speak of. */
export interface MatchedEvent {
  event: GatewayEvent;
  device: DeviceSnapshot | null;
  /** `device_orgName` / `user_orgName`: the event's organization's name. */
  orgName?: string;
}

export interface Delivery {
  id: number;
  orgId: number;
  webhookId: number;
  /** Standard Webhooks `webhook-id`: the same on every attempt and replay, so receivers can de-duplicate. */
  messageId: string;
  event: string;
  deviceId: string;
  /** The matched event; null only in rows written before deliveries followed their webhook (see `request`). */
  matched: MatchedEvent | null;
  /** Rows written before: the body rendered at match time (URL, method and headers follow the webhook). */
  request: RenderedRequest | null;
  /** Send time the current rendering uses (Kobiton's `creationTime`); set at the first attempt per config. */
  renderedAt: number | null;
  /** The webhook's `lastModifiedTs` that rendering was made for: a changed configuration renders afresh. */
  renderedFor: number | null;
  status: DeliveryStatus;
  attempts: number;
  /** Attempts made before the current round (a replay or re-enable starts a new round of the retry schedule). */
  roundStart: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  dropReason: string | null;
  createdAt: number;
  updatedAt: number;
  /**
   * With several instances (DeliveryClaims): the instance that committed the row, which holds its first claim
   * (fence 1) by this field alone, written with the row before the PUBACK; no claim record is written unless
   * another instance takes the row over (fence 2 on). Cleared when a finished row is replayed (its claim was
   * released). Absent with SQLite and in rows stored before.
   */
  claimedBy?: string;
}

export type NewDelivery = Omit<Delivery, 'id'>;

/** A delivery as the outbox commits it: pending, never attempted; `init` says what it carries and for whom. */
export function newDelivery(
  init: Pick<NewDelivery, 'orgId' | 'webhookId' | 'messageId' | 'event' | 'deviceId' | 'matched'> &
    Partial<NewDelivery>,
  now = Date.now(),
): NewDelivery {
  return {
    request: null,
    renderedAt: null,
    renderedFor: null,
    status: 'pending',
    attempts: 0,
    roundStart: 0,
    nextAttemptAt: null,
    lastStatusCode: null,
    lastError: null,
    dropReason: null,
    createdAt: now,
    updatedAt: now,
    ...init,
  };
}

export interface ResponseHeader {
  name: string;
  value: string;
}

/** One HTTP attempt, as the delivery log shows it. */
export interface DeliveryAttempt {
  deliveryId: number;
  n: number;
  ts: number;
  durationMs: number;
  statusCode: number | null;
  /** Response body, truncated. */
  response: string;
  error: string | null;
  nextRetryAt: number | null;
  /**
   * The response's headers as {name, value} items, bounded (delivery-attempts.ts): not a record, since a
   * receiver's header name may hold characters a MongoDB field name may not ('.', '$'), nor pairs, since
   * FerretDB stores no nested arrays. Absent in attempts stored before they were kept.
   */
  responseHeaders?: ResponseHeader[];
}

export interface DeliveryQuery {
  status?: DeliveryStatus;
  since?: number;
  /** Search (exact): the device, the `webhook-id`, the event name (`device.status.offline`). */
  deviceId?: string;
  messageId?: string;
  event?: string;
  page: number;
  size: number;
}

/** Keyset paging, newest first: rows with id below `beforeId` (rows moving between pages are never skipped). */
export interface DeliveryPageQuery {
  status: DeliveryStatus;
  since: number;
  beforeId: number | null;
  limit: number;
}

/** How many unfinished rows a webhook has in one status (metrics at start, without loading the rows). */
export interface UnfinishedCount {
  webhookId: number;
  status: 'pending' | 'held';
  n: number;
}

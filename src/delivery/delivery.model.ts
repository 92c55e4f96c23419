// The outbox row (ARCHITECTURE §5): one matched event for one webhook, rendered once, signed per attempt.

/**
 * pending: waiting for its next attempt (first or retry). held: kept while its webhook is disabled.
 * delivered / failed (retry schedule exhausted, or 410) / dropped (its webhook was deleted) are final.
 */
export const DELIVERY_STATUSES = ['pending', 'held', 'delivered', 'failed', 'dropped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The request as rendered when the event matched; credentials and signatures are added per attempt. */
export interface RenderedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Delivery {
  id: number;
  orgId: number;
  webhookId: number;
  /** Standard Webhooks `webhook-id`: the same on every attempt and replay, so receivers can de-duplicate. */
  messageId: string;
  event: string;
  deviceId: string;
  request: RenderedRequest;
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
}

export type NewDelivery = Omit<Delivery, 'id'>;

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
}

export interface DeliveryQuery {
  status?: DeliveryStatus;
  since?: number;
  page: number;
  size: number;
}

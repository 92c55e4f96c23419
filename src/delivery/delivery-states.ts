import { Logger } from '@nestjs/common';
import { RateLimitedLog } from '../observability/rate-limited-log.js';
import type { Webhook } from '../webhooks/webhook.model.js';
import { heldExcess } from './circuit-breaker.js';
import type { Delivery, DeliveryAttempt, DeliveryStatus } from './delivery.model.js';
import type { DeliveryLog } from './delivery-log.js';
import type { DeliveryMetrics } from './delivery-metrics.js';
import type { DeliveryOwnership } from './delivery-ownership.js';
import type { EndpointQueue } from './endpoint-queue.js';

const FINAL = new Set<DeliveryStatus>(['delivered', 'failed', 'dropped']);

/**
 * The one writer of a delivery's status for the dispatcher: each move updates its metrics bucket, its claim
 * and the delivery log together. Also the bound on what a webhook disabled due to errors keeps: it goes on
 * recording what matches (held), at most WEBHOOK_HELD_MAX deliveries; past that the oldest expire.
 */
export class DeliveryStates {
  private readonly expiries = new RateLimitedLog(new Logger('delivery'), 1);

  constructor(
    private readonly metrics: DeliveryMetrics,
    private readonly log: DeliveryLog,
    private readonly ownership: DeliveryOwnership | null,
    private readonly heldMax: number,
    /** A delivery reached a final status: its place in its webhook's window is free. */
    private readonly finished: (d: Delivery) => void,
  ) {}

  set(d: Delivery, to: DeliveryStatus, reason = ''): void {
    this.metrics.move(d.webhookId, d.status, to, reason);
    d.status = to;
    if (this.ownership && to !== 'pending' && to !== 'held') this.ownership.finished(d);
    if (FINAL.has(to)) this.finished(d);
  }

  save(d: Delivery, attempt?: DeliveryAttempt): void {
    this.log.save(d, attempt);
  }

  /** Kept aside while its webhook is disabled (`save`: false when the row is stored held already). */
  hold(q: EndpointQueue, d: Delivery, w: Webhook | undefined, save = true): void {
    this.set(d, 'held');
    d.nextAttemptAt = null;
    q.hold(d);
    if (save) this.log.save(d);
    if (w) this.bound(q, w);
  }

  /** A new round of the retry schedule (replay, re-enable), due at once. */
  newRound(d: Delivery): void {
    this.set(d, 'pending');
    d.roundStart = d.attempts;
    d.nextAttemptAt = null;
    this.log.save(d);
  }

  drop(d: Delivery, reason: string): void {
    this.set(d, 'dropped', reason);
    d.dropReason = reason;
    d.nextAttemptAt = null;
    this.log.save(d);
  }

  /**
   * A webhook disabled due to errors keeps at most WEBHOOK_HELD_MAX unfinished deliveries (in memory and in
   * storage, as this instance counts them): the oldest held ones in memory expire. Those in memory are the
   * oldest, since rows are paged in in id order; more expire as the pages behind them come in and are held.
   */
  bound(q: EndpointQueue, w: Webhook): void {
    if (w.status !== 'DISABLED_DUE_TO_ERRORS') return;
    const excess = heldExcess(this.metrics.unfinished(w.id), this.heldMax);
    if (excess === 0 || q.held === 0) return;
    const expired = q.takeOldestHeld(excess);
    for (const d of expired) this.drop(d, 'held_expired');
    this.expiries.warn(
      `webhook ${w.id} held_expired`,
      `webhook ${w.id} is disabled due to errors and holds more than WEBHOOK_HELD_MAX (${this.heldMax}) ` +
        `deliveries: the oldest expire (${expired.length} now, up to delivery ${expired.at(-1)!.id}; ` +
        `metric gateway_webhook_deliveries{bucket="dropped",reason="held_expired"})`,
    );
  }
}

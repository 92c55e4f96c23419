import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { backgroundErrors, type RateLimitedLog } from '../observability/rate-limited-log.js';
import { StopReport } from '../observability/stop-report.js';
import type { GatewayEvent } from '../events/gateway-event.js';
import type { DeviceRecord } from '../devices/device.model.js';
import type { Webhook } from '../webhooks/webhook.model.js';
import { type Delivery, type NewDelivery, newDelivery } from './delivery.model.js';
import { DELIVERY_REPOSITORY, type DeliveryRepository } from './delivery.repository.js';
import { DeliveryMetrics } from './delivery-metrics.js';
import { DELIVERY_OWNERSHIP, type DeliveryOwnership } from './delivery-ownership.js';
import { Dispatcher } from './dispatcher.js';
import { NAME_LOOKUP, type NameLookup } from '../templates/name-lookup.js';
import { matchedEvent } from './render/snapshot.js';
import { RetryPolicy } from './retry-policy.js';

/**
 * The outbox (docs/architecture.md §2): each match becomes a Delivery row holding the event and the device as they
 * were, as far as the webhook's templates can name them (render/snapshot.ts; datastream values are replaced,
 * never changed in place, so copying the named ones keeps later updates out of the row). The request is
 * rendered at each attempt from the webhook as it is then (Dispatcher). Rows added during one turn of the event
 * loop are committed together (group commit); `durable()` is the promise a QoS 1/2 PUBLISH waits on before it
 * is acknowledged.
 */
@Injectable()
export class Outbox {
  private readonly failures: RateLimitedLog;
  private rows: NewDelivery[] = [];
  private commit: Promise<void> | null = null;

  constructor(
    @Inject(DELIVERY_REPOSITORY) private readonly deliveries: DeliveryRepository,
    private readonly metrics: DeliveryMetrics,
    private readonly policy: RetryPolicy,
    private readonly dispatcher: Dispatcher,
    @Inject(NAME_LOOKUP) private readonly names: NameLookup,
    stopReport: StopReport,
    @Optional() @Inject(DELIVERY_OWNERSHIP) private readonly ownership: DeliveryOwnership | null = null,
  ) {
    this.failures = backgroundErrors(new Logger(Outbox.name), stopReport);
  }

  /** Adds a delivery row; returns the commit that will hold it (what the event's PUBACK waits on). */
  add(w: Webhook, event: GatewayEvent, device: DeviceRecord | undefined): Promise<void> {
    const now = Date.now();
    this.rows.push(
      newDelivery(
        {
          orgId: w.orgId,
          webhookId: w.id,
          messageId: `msg_${randomUUID()}`,
          event: event.kind,
          deviceId: event.deviceId,
          matched: matchedEvent(w, event, device, this.names),
          nextAttemptAt: this.policy.firstAttemptAt(now),
          claimedBy: this.ownership?.claimant,
        },
        now,
      ),
    );
    if (this.commit) return this.commit;
    const commit = new Promise<void>((resolve, reject) => setImmediate(() => this.flush().then(resolve, reject)));
    // Logged in flush; a QoS 1 PUBLISH awaiting its commit sees the failure. Unobserved (QoS 0 only), a failed
    // commit must not end the process as an unhandled rejection (it did, with MongoDB gone).
    commit.catch(() => undefined);
    return (this.commit = commit);
  }

  /** The commit of everything added so far, or null when nothing is waiting. */
  durable(): Promise<void> | null {
    return this.commit;
  }

  private async flush(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    this.commit = null;
    let saved: Delivery[];
    try {
      saved = await this.deliveries.insertMany(rows);
    } catch (err) {
      for (const r of rows) this.metrics.move(r.webhookId, null, 'dropped', 'outbox_write_failed');
      this.failures.error('commit', `outbox commit of ${rows.length} deliveries failed: ${(err as Error).message}`);
      throw err;
    }
    for (const d of saved) this.metrics.move(d.webhookId, null, 'pending');
    this.ownership?.committed(saved);
    this.dispatcher.enqueue(saved);
  }
}

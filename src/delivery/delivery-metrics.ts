import { Injectable } from '@nestjs/common';
import { Gauge, Histogram } from 'prom-client';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { DeliveryStatus } from './delivery.model.js';

/** The buckets of issue 3 §8: every matched event is in exactly one, per webhook and in total. */
export const BUCKET: Record<DeliveryStatus, string> = {
  pending: 'retrying', held: 'disabled_pending', delivered: 'delivered', failed: 'failed', dropped: 'dropped',
};

@Injectable()
export class DeliveryMetrics {
  private readonly perWebhook: Gauge;
  private readonly total: Gauge;
  readonly attempts: Histogram;

  constructor(metrics: GatewayMetrics) {
    const registers = [metrics.registry];
    this.perWebhook = new Gauge({ name: 'gateway_webhook_deliveries', help: 'Matched events by webhook and bucket (since start; unfinished ones also from before)', labelNames: ['webhook_id', 'bucket', 'reason'], registers });
    this.total = new Gauge({ name: 'gateway_deliveries', help: 'Matched events of all webhooks by bucket', labelNames: ['bucket', 'reason'], registers });
    this.attempts = new Histogram({ name: 'gateway_webhook_attempt_seconds', help: 'Duration of callback attempts', labelNames: ['outcome'], registers, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
  }

  // prom-client hashes the labels on every call; the bound children are looked up once per label set.
  private readonly children = new Map<string, [Gauge.Internal<string>, Gauge.Internal<string>]>();
  private readonly attemptChildren = new Map<string, Histogram.Internal<string>>();

  /** A delivery enters `to` (from `from`, or new). */
  move(webhookId: number, from: DeliveryStatus | null, to: DeliveryStatus, reason = ''): void {
    if (from === to) return;
    if (from) for (const g of this.child(webhookId, BUCKET[from], '')) g.dec();
    for (const g of this.child(webhookId, BUCKET[to], reason)) g.inc();
  }

  observeAttempt(outcome: string, durationMs: number): void {
    let h = this.attemptChildren.get(outcome);
    if (!h) this.attemptChildren.set(outcome, (h = this.attempts.labels(outcome)));
    h.observe(durationMs / 1000);
  }

  private child(webhookId: number, bucket: string, reason: string): [Gauge.Internal<string>, Gauge.Internal<string>] {
    const key = `${webhookId}|${bucket}|${reason}`;
    let c = this.children.get(key);
    if (!c) this.children.set(key, (c = [this.perWebhook.labels(String(webhookId), bucket, reason), this.total.labels(bucket, reason)]));
    return c;
  }
}

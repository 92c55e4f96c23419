import { Injectable, Optional } from '@nestjs/common';
import { Gauge, Histogram } from 'prom-client';
import { ActivitySummary, countsLine } from '../observability/activity-summary.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from './delivery.model.js';

/** The buckets of issue 3 §8: every matched event is in exactly one, per webhook and in total. */
export const BUCKET: Record<DeliveryStatus, string> = {
  pending: 'retrying',
  held: 'disabled_pending',
  delivered: 'delivered',
  failed: 'failed',
  dropped: 'dropped',
};

/** Attempt outcomes (retry-policy.ts) as the summary line says them. */
const OUTCOME_WORDS: Record<string, string> = {
  delivered: 'delivered',
  retry: 'failed (to be retried)',
  exhausted: 'failed (no retries left)',
  gone: 'answered 410 Gone',
};

const emptyTally = (): Record<string, number> & { matched: number; held: number; dropped: number } => ({
  matched: 0,
  held: 0,
  dropped: 0,
});

const FINISHED = new Set<DeliveryStatus>(['delivered', 'failed', 'dropped']);

/**
 * Delivery buckets and attempt durations. prom-client hashes the label set on every update, so the hot path
 * only adds to plain numbers here; the gauges read them when /metrics is scraped (`collect`).
 */
@Injectable()
export class DeliveryMetrics {
  /** `${webhookId}|${bucket}|${reason}` → count */
  private readonly counts = new Map<string, number>();
  /** The keys without a reason, built once per webhook: a key built per move was hashed afresh every time. */
  private readonly plainKeys = new Map<number, Record<DeliveryStatus, string>>();
  private readonly durations = new Map<string, number[]>();
  /** Per webhook: when one of its deliveries last finished, or when it first had one (see `move`). */
  private readonly progress = new Map<number, number>();
  private readonly attempts: Histogram;
  /** Since the last activity summary: deliveries matched, held and dropped, and attempts by outcome. */
  private tally = emptyTally();

  constructor(metrics: GatewayMetrics, @Optional() summary?: ActivitySummary) {
    summary?.add(() => this.summary());
    const registers = [metrics.registry];
    const counts = this.counts;
    new Gauge({
      name: 'gateway_webhook_deliveries',
      help: 'Matched events by webhook and bucket (since start; unfinished ones also from before)',
      labelNames: ['webhook_id', 'bucket', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const [key, n] of counts) {
          const [webhook_id, bucket, reason] = key.split('|');
          this.set({ webhook_id, bucket, reason }, n);
        }
      },
    });
    new Gauge({
      name: 'gateway_deliveries',
      help: 'Matched events of all webhooks by bucket',
      labelNames: ['bucket', 'reason'],
      registers,
      collect() {
        this.reset();
        const totals = new Map<string, number>();
        for (const [key, n] of counts) {
          const k = key.slice(key.indexOf('|') + 1);
          totals.set(k, (totals.get(k) ?? 0) + n);
        }
        for (const [k, n] of totals) {
          const [bucket, reason] = k.split('|');
          this.set({ bucket, reason }, n);
        }
      },
    });
    const progress = this.progress;
    new Gauge({
      name: 'gateway_webhook_progress_timestamp_seconds',
      help:
        'When a delivery of the webhook last finished (delivered, failed, dropped), or when the gateway first ' +
        'had one: retrying > 0 with this far behind is a stalled backlog',
      labelNames: ['webhook_id'],
      registers,
      collect() {
        this.reset();
        for (const [id, ms] of progress) this.set({ webhook_id: String(id) }, ms / 1000);
      },
    });
    const durations = this.durations;
    this.attempts = new Histogram({
      name: 'gateway_webhook_attempt_seconds',
      help: 'Duration of callback attempts',
      labelNames: ['outcome'],
      registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      collect: () => this.drainDurations(durations),
    });
  }

  /** A delivery enters `to` (from `from`, or new). */
  move(webhookId: number, from: DeliveryStatus | null, to: DeliveryStatus, reason = ''): void {
    if (from === to) return;
    if (from === null) this.tally.matched++;
    else if (to === 'held' || to === 'dropped') this.tally[to]++;
    if (FINISHED.has(to) || !this.progress.has(webhookId)) this.progress.set(webhookId, Date.now());
    if (from) this.add(this.plainKey(webhookId, from), -1);
    this.add(reason ? `${webhookId}|${BUCKET[to]}|${reason}` : this.plainKey(webhookId, to), 1);
  }

  /** A webhook's deliveries not yet finished (pending or held), in memory or in storage. */
  unfinished(webhookId: number): number {
    return (
      (this.counts.get(this.plainKey(webhookId, 'pending')) ?? 0) +
      (this.counts.get(this.plainKey(webhookId, 'held')) ?? 0)
    );
  }

  private plainKey(webhookId: number, status: DeliveryStatus): string {
    let keys = this.plainKeys.get(webhookId);
    if (!keys) {
      keys = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, `${webhookId}|${BUCKET[s]}|`])) as Record<
        DeliveryStatus,
        string
      >;
      this.plainKeys.set(webhookId, keys);
    }
    return keys[status];
  }

  /** The activity summary's line: deliveries matched and attempts by outcome since it was last asked. */
  private summary(): string | null {
    const { matched, held, dropped, ...attempts } = this.tally;
    const made = countsLine(Object.fromEntries(Object.entries(attempts).map(([k, n]) => [OUTCOME_WORDS[k] ?? k, n])));
    const line = countsLine({ matched, held, dropped });
    if (!made && !line) return null;
    this.tally = emptyTally();
    return `deliveries: ${[line, made && `attempts ${made}`].filter(Boolean).join('; ')}`;
  }

  observeAttempt(outcome: string, durationMs: number): void {
    this.tally[outcome] = (this.tally[outcome] ?? 0) + 1;
    let list = this.durations.get(outcome);
    if (!list) this.durations.set(outcome, (list = []));
    list.push(durationMs);
    if (list.length > 10_000) this.drainDurations(this.durations);
  }

  private add(key: string, delta: number): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + delta);
  }

  private drainDurations(durations: Map<string, number[]>): void {
    for (const [outcome, list] of durations) {
      const h = this.attempts.labels(outcome);
      for (const ms of list) h.observe(ms / 1000);
      list.length = 0;
    }
  }
}

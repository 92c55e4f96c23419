import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { WriteBehind } from '../common/write-behind.js';
import { GatewayConfig } from '../config/gateway-config.js';
import type { Webhook, WebhookRecord, WebhookStatus } from './webhook.model.js';
import { WEBHOOK_REPOSITORY, type WebhookCounterDelta, type WebhookRepository } from './webhook.repository.js';
import { StopReport } from '../observability/stop-report.js';

/** The counters as this instance last wrote (or read) them: the write-behind stores the difference. */
type Counters = Pick<Webhook, 'attemptCount' | 'failureCount' | 'lastTriggeredTs'>;
const countersOf = (w: WebhookRecord): Counters => ({
  attemptCount: w.attemptCount,
  failureCount: w.failureCount,
  lastTriggeredTs: w.lastTriggeredTs,
});

export type WebhookChange = (current: Webhook | null, previous: Webhook | null) => void;

/**
 * Every webhook of every org, in memory: the trigger engine and the dispatcher read it on every event and
 * attempt without touching storage. REST changes are written through (then announced to the listeners: the
 * trigger index, the dispatcher); runtime counters are written behind in one batch per flush interval, as
 * increments (so instances sharing a database add up instead of overwriting each other), and a status the
 * system sets (disabled after failures) as a compare-and-set from ENABLED (so no instance re-enables a webhook
 * another one disabled).
 *
 * The one writer of a webhook's health (issue 21): records are handed out with it read-only (`WebhookRecord`)
 * and the dispatcher, the test attempts and the trigger engine change it through the named operations below.
 */
@Injectable()
export class WebhookCatalog implements OnModuleInit, OnApplicationShutdown {
  private readonly byId = new Map<number, Webhook>();
  private readonly dirty: WriteBehind<Webhook>;
  private readonly written = new Map<number, Counters>();
  private readonly statusSet = new Map<number, { from: WebhookStatus; to: WebhookStatus }>();
  private listeners: WebhookChange[] = [];

  constructor(
    @Inject(WEBHOOK_REPOSITORY) private readonly repository: WebhookRepository,
    private readonly config: GatewayConfig,
    stopReport: StopReport,
  ) {
    this.dirty = new WriteBehind(
      'webhook counters',
      (batch) => this.write(batch),
      (w) => this.byId.get(w.id) === w,
      stopReport,
    );
  }

  async onModuleInit(): Promise<void> {
    for (const w of await this.repository.all()) this.set(w);
    this.dirty.start(this.config.WRITE_BEHIND_FLUSH_MS);
  }

  onChange(listener: WebhookChange): void {
    this.listeners.push(listener);
  }

  all(): IterableIterator<WebhookRecord> {
    return this.byId.values();
  }
  byIdAnyOrg(id: number): WebhookRecord | undefined {
    return this.byId.get(id);
  }

  /** A webhook of another org is reported exactly like a missing one. */
  get(orgId: number, id: number): WebhookRecord | undefined {
    const w = this.byId.get(id);
    return w && w.orgId === orgId ? w : undefined;
  }

  list(orgId: number): WebhookRecord[] {
    return [...this.byId.values()].filter((w) => w.orgId === orgId).sort((a, b) => a.id - b.id);
  }

  /** Create or replace after a REST write; counters changed meanwhile by the dispatcher are kept. */
  put(next: Webhook, keep: { status: boolean; failureCount: boolean }): void {
    const previous = this.byId.get(next.id) ?? null;
    if (!previous) {
      this.set(next);
      return this.announce(next, null);
    }
    next.attemptCount = Math.max(next.attemptCount, previous.attemptCount);
    next.lastTriggeredTs = previous.lastTriggeredTs;
    if (keep.status) next.status = previous.status;
    else this.statusSet.delete(next.id); // the request decided the status: no older system change on top
    if (keep.failureCount) next.failureCount = previous.failureCount;
    else this.written.get(next.id)!.failureCount = next.failureCount; // the update wrote it
    if (this.dirty.has(previous)) this.dirty.mark(next);
    this.dirty.forget(previous);
    this.byId.set(next.id, next);
    this.announce(next, previous);
  }

  /**
   * The stored webhook, as another instance changed it (cluster/): its configuration and status replace ours,
   * the counters this instance has not written yet are kept on top of the stored ones.
   */
  reload(stored: Webhook | null, id: number): void {
    const previous = this.byId.get(id) ?? null;
    if (!stored) {
      if (previous) this.remove(previous);
      return;
    }
    const base = this.written.get(id);
    this.written.set(id, countersOf(stored));
    if (previous && base) {
      stored.attemptCount += previous.attemptCount - base.attemptCount;
      if ((previous.lastTriggeredTs ?? 0) > (stored.lastTriggeredTs ?? 0))
        stored.lastTriggeredTs = previous.lastTriggeredTs;
    }
    this.byId.set(id, stored);
    if (previous && this.dirty.has(previous)) this.dirty.mark(stored);
    if (previous) this.dirty.forget(previous);
    this.announce(stored, previous);
  }

  remove(record: WebhookRecord): void {
    const w = this.own(record);
    this.byId.delete(w.id);
    this.written.delete(w.id);
    this.statusSet.delete(w.id);
    this.dirty.forget(w);
    this.announce(null, w);
  }

  // Health, changed at run time: each change is written at the next flush.

  /** A match of the webhook went to the outbox. */
  triggered(record: WebhookRecord, ts: number): void {
    const w = this.own(record);
    w.lastTriggeredTs = ts;
    this.dirty.mark(w);
  }

  /** An attempt was sent (a delivery's, or a test's). */
  attempted(record: WebhookRecord): void {
    const w = this.own(record);
    w.attemptCount++;
    this.dirty.mark(w);
  }

  /** The endpoint took an attempt: the consecutive failures count afresh. */
  succeeded(record: WebhookRecord): void {
    const w = this.own(record);
    w.failureCount = 0;
    this.dirty.mark(w);
  }

  /** A failed attempt counted towards failureLimit (the breaker decides which count: endpoint-health.ts). */
  failed(record: WebhookRecord): void {
    const w = this.own(record);
    w.failureCount++;
    this.dirty.mark(w);
  }

  /**
   * DISABLED_DUE_TO_ERRORS, set by the system from ENABLED only (stored as a compare-and-set, so no instance
   * re-enables a webhook another one disabled); false when it was not ENABLED.
   */
  disableForErrors(record: WebhookRecord): boolean {
    const w = this.own(record);
    if (w.status !== 'ENABLED') return false;
    w.status = 'DISABLED_DUE_TO_ERRORS';
    this.dirty.mark(w);
    this.statusSet.set(w.id, { from: 'ENABLED', to: w.status });
    this.announce(w, { ...w, status: 'ENABLED' });
    return true;
  }

  /** The catalog's own (writable) record behind one it handed out. */
  private own(record: WebhookRecord): Webhook {
    return record as Webhook;
  }

  flush(): Promise<void> {
    return this.dirty.flush();
  }

  onApplicationShutdown(): Promise<void> {
    return this.dirty.stop();
  }

  private set(w: Webhook): void {
    this.byId.set(w.id, w);
    this.written.set(w.id, countersOf(w));
  }

  /** The differences since the last write, as increments; the system's status changes as compare-and-set. */
  private async write(batch: Webhook[]): Promise<void> {
    const deltas = batch.map((w): [Webhook, WebhookCounterDelta] => {
      const base = this.written.get(w.id) ?? countersOf(w);
      // A failure count below the written one means a success reset it (the dispatcher sets 0 on success).
      const reset = w.failureCount < base.failureCount;
      return [
        w,
        {
          id: w.id,
          attemptCount: w.attemptCount - base.attemptCount,
          resetFailures: reset,
          failureCount: reset ? w.failureCount : w.failureCount - base.failureCount,
          lastTriggeredTs: w.lastTriggeredTs !== base.lastTriggeredTs ? w.lastTriggeredTs : null,
        },
      ];
    });
    await this.repository.increment(deltas.map(([, d]) => d));
    for (const [w] of deltas) this.written.set(w.id, countersOf(w));
    for (const w of batch) {
      const change = this.statusSet.get(w.id);
      if (!change) continue;
      this.statusSet.delete(w.id);
      await this.repository.setStatusIf(w.id, change.from, change.to);
    }
  }

  private announce(current: Webhook | null, previous: Webhook | null): void {
    for (const l of this.listeners) l(current, previous);
  }
}

/**
 * The status a REST update asks for, on its draft (a copy `WebhookCatalog.put` then takes in): re-enabling
 * starts the consecutive-failure count afresh; DISABLED_DUE_TO_ERRORS in an update is ignored (Blynk).
 */
export function requestStatus(draft: Webhook, status: WebhookStatus | undefined): void {
  if (status === 'ENABLED') {
    draft.status = 'ENABLED';
    draft.failureCount = 0;
  } else if (status === 'DISABLED') {
    draft.status = 'DISABLED';
  }
}

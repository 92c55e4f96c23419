import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { WriteBehind } from '../common/write-behind.js';
import { GatewayConfig } from '../config/gateway-config.js';
import type { Webhook } from './webhook.model.js';
import { WEBHOOK_REPOSITORY, type WebhookRepository } from './webhook.repository.js';

export type WebhookChange = (current: Webhook | null, previous: Webhook | null) => void;

/**
 * Every webhook of every org, in memory: the trigger engine and the dispatcher read it on every event and
 * attempt without touching storage. REST changes are written through (then announced to the listeners: the
 * trigger index, the dispatcher); runtime counters are written behind in one batch per flush interval.
 */
@Injectable()
export class WebhookCatalog implements OnModuleInit, OnApplicationShutdown {
  private readonly byId = new Map<number, Webhook>();
  private readonly dirty: WriteBehind<Webhook>;
  private listeners: WebhookChange[] = [];

  constructor(
    @Inject(WEBHOOK_REPOSITORY) private readonly repository: WebhookRepository,
    private readonly config: GatewayConfig,
  ) {
    this.dirty = new WriteBehind(
      'webhook counters',
      (batch) => repository.saveMany(batch),
      (w) => this.byId.get(w.id) === w,
    );
  }

  async onModuleInit(): Promise<void> {
    for (const w of await this.repository.all()) this.byId.set(w.id, w);
    this.dirty.start(this.config.WRITE_BEHIND_FLUSH_MS);
  }

  onChange(listener: WebhookChange): void {
    this.listeners.push(listener);
  }

  all(): IterableIterator<Webhook> {
    return this.byId.values();
  }
  byIdAnyOrg(id: number): Webhook | undefined {
    return this.byId.get(id);
  }

  /** A webhook of another org is reported exactly like a missing one. */
  get(orgId: number, id: number): Webhook | undefined {
    const w = this.byId.get(id);
    return w && w.orgId === orgId ? w : undefined;
  }

  list(orgId: number): Webhook[] {
    return [...this.byId.values()].filter((w) => w.orgId === orgId).sort((a, b) => a.id - b.id);
  }

  /** Create or replace after a REST write; counters changed meanwhile by the dispatcher are kept. */
  put(next: Webhook, keep: { status: boolean; failureCount: boolean }): void {
    const previous = this.byId.get(next.id) ?? null;
    if (previous) {
      next.attemptCount = Math.max(next.attemptCount, previous.attemptCount);
      next.lastTriggeredTs = previous.lastTriggeredTs;
      if (keep.status) next.status = previous.status;
      if (keep.failureCount) next.failureCount = previous.failureCount;
      this.dirty.forget(previous);
    }
    this.byId.set(next.id, next);
    this.announce(next, previous);
  }

  remove(w: Webhook): void {
    this.byId.delete(w.id);
    this.dirty.forget(w);
    this.announce(null, w);
  }

  /** A runtime change (counters, or a status set by the system): written at the next flush. */
  touch(w: Webhook, statusChanged = false): void {
    this.dirty.mark(w);
    if (statusChanged) this.announce(w, { ...w, status: 'ENABLED' });
  }

  flush(): Promise<void> {
    return this.dirty.flush();
  }

  onApplicationShutdown(): Promise<void> {
    return this.dirty.stop();
  }

  private announce(current: Webhook | null, previous: Webhook | null): void {
    for (const l of this.listeners) l(current, previous);
  }
}

import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config.js';
import { FailureNotifier } from '../notifications/failure-notifier.js';
import { WebhookCatalog } from '../webhooks/webhook-catalog.js';
import type { Webhook } from '../webhooks/webhook.model.js';
import { CallbackCredentials } from './auth/callback-credentials.js';
import { AttemptPump } from './attempt-pump.js';
import { type AttemptResult, CallbackSender } from './callback-sender.js';
import { nextProbe, reset } from './circuit-breaker.js';
import type { Delivery, RenderedRequest, UnfinishedCount } from './delivery.model.js';
import { DELIVERY_REPOSITORY, type DeliveryRepository } from './delivery.repository.js';
import { DeliveryLog } from './delivery-log.js';
import { DeliveryMetrics } from './delivery-metrics.js';
import { DeliveryPager } from './delivery-pager.js';
import { DELIVERY_OWNERSHIP, type DeliveryOwnership } from './delivery-ownership.js';
import { DeliveryStates } from './delivery-states.js';
import { DeliveryAttempts } from './delivery-attempts.js';
import { EndpointHealth } from './endpoint-health.js';
import { EndpointQueue } from './endpoint-queue.js';
import type { WebhookHttpClient } from './http/webhook-http-client.js';
import { RetryPolicy } from './retry-policy.js';
import { backgroundErrors, type RateLimitedLog } from '../observability/rate-limited-log.js';
import { StopReport } from '../observability/stop-report.js';

export type { AttemptResult } from './callback-sender.js';
export const WEBHOOK_HTTP_CLIENT = Symbol('WebhookHttpClient');

/**
 * Delivers the outbox (docs/architecture.md §5): one queue per webhook with bounded concurrency, so a slow or dead
 * endpoint holds only its own slots; a global cap on top. While an endpoint fails, its circuit breaker lets one
 * delivery at a time probe it (circuit-breaker.ts). Each attempt renders the stored event under the webhook's
 * current configuration, adds credentials and Standard Webhooks headers, then the outcome decides: delivered,
 * retry later, failed, or held. Only a window of each webhook's deliveries is in memory.
 */
@Injectable()
export class Dispatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(Dispatcher.name);
  private readonly failures: RateLimitedLog;
  private readonly queues = new Map<number, EndpointQueue>();
  private readonly sender: CallbackSender;
  private readonly pager: DeliveryPager;
  private readonly window: number;
  private readonly states: DeliveryStates;
  private readonly pump: AttemptPump;
  private stopped = false;

  constructor(
    private readonly catalog: WebhookCatalog,
    private readonly log: DeliveryLog,
    private readonly metrics: DeliveryMetrics,
    notifier: FailureNotifier,
    credentials: CallbackCredentials,
    policy: RetryPolicy,
    @Inject(WEBHOOK_HTTP_CLIENT) client: WebhookHttpClient,
    @Inject(DELIVERY_REPOSITORY) private readonly deliveries: DeliveryRepository,
    config: GatewayConfig,
    stopReport: StopReport,
    @Optional() @Inject(DELIVERY_OWNERSHIP) private readonly ownership: DeliveryOwnership | null = null,
  ) {
    this.failures = backgroundErrors(this.logger, stopReport);
    this.sender = new CallbackSender(credentials, client, config.WEBHOOK_TIMEOUT_MS);
    this.window = config.DELIVERY_WINDOW;
    this.pager = new DeliveryPager(deliveries, log, ownership);
    this.states = new DeliveryStates(metrics, log, ownership, config.WEBHOOK_HELD_MAX, (d) => this.finished(d));
    const attempts = new DeliveryAttempts(catalog, this.sender, policy, metrics, this.states, ownership, {
      health: new EndpointHealth(catalog, notifier, policy),
      retry: (q, d) => this.schedule(q, d),
      claimSettled: (q, d, mine) => this.claimSettled(q, d, mine),
    });
    const globalMax = Math.max(256, config.WEBHOOK_CONCURRENCY * 16);
    this.pump = new AttemptPump(attempts, config.WEBHOOK_CONCURRENCY, globalMax, () => this.stopped, this.logger);
  }

  /**
   * Resumes what a previous run left: counted at once, paged in per webhook (pending rows at their next
   * attempt time; held rows held while their webhook is disabled).
   */
  async onModuleInit(): Promise<void> {
    this.catalog.onChange((current, previous) => this.webhookChanged(current, previous));
    const unfinished = await this.deliveries.unfinishedCounts();
    for (const c of unfinished) {
      for (let i = 0; i < c.n; i++) this.metrics.move(c.webhookId, null, c.status);
      this.queue(c.webhookId).cursor = 0;
    }
    if (unfinished.length > 0) this.logger.log(resumingLine(unfinished));
    // Several instances on one database (delivery-claims.ts): the lease starts now; every attempt asks for its
    // claim first, and deliveries taken over from dead instances come back through enqueue().
    if (this.ownership) await this.ownership.resume([], (taken) => this.enqueue(taken));
    // Not awaited: as the window empties the pager reads on, so with a backlog (and a slow store) waiting here
    // held the start, MQTT listener included, until nearly all of it was sent.
    for (const q of this.queues.values()) void this.pageIn(q);
  }

  /** Committed deliveries, new or resumed: into memory while their webhook's window has room. */
  enqueue(deliveries: Delivery[]): void {
    this.ownership?.admit(deliveries);
    for (const d of deliveries) {
      const q = this.queue(d.webhookId);
      if (q.admit(d)) this.place(q, d);
      else this.bound(q); // left in storage, still counted towards a disabled webhook's held deliveries
    }
    this.pump.run();
  }

  /** Replays a delivery (any status): a new round of the retry schedule, the same webhook-id. */
  replay(d: Delivery): void {
    const q = this.queue(d.webhookId);
    const live = q.takeLive(d.id);
    if (live) {
      if (live.status === 'pending')
        this.due(q, live); // was waiting for a retry: now
      else this.restart(live);
    } else if (q.resident.has(d.id) || d.status === 'pending') {
      return; // in flight or due now, or pending in storage and paged in in its turn
    } else {
      // A finished row's claim was released: the instance replaying it claims it anew (DeliveryClaims).
      if (d.status !== 'held') delete d.claimedBy;
      if (q.cursor !== null && d.id > q.cursor) {
        this.states.newRound(d); // behind the window: storage says pending, paging brings it in
        return;
      }
      q.resident.add(d.id);
      this.restart(d);
    }
    this.pump.run();
  }

  /**
   * Whether the webhook's endpoint is failing (its breaker open: deliveries wait for one probe at a time) and
   * when the next probe may go (null while one is in flight), as this instance sees it.
   */
  endpointHealth(webhookId: number): { failing: boolean; nextProbeAt: number | null } {
    const b = this.queues.get(webhookId)?.breaker;
    return { failing: b?.open ?? false, nextProbeAt: b ? nextProbe(b) : null };
  }

  /** One HTTP attempt with credentials and signatures (also Blynk's Test). */
  send(w: Webhook, messageId: string, request: RenderedRequest): Promise<AttemptResult> {
    return this.sender.send(w, messageId, request);
  }

  /** A delivery newly in memory, from the outbox or a page. */
  private place(q: EndpointQueue, d: Delivery): void {
    if (d.status !== 'held') return this.schedule(q, d);
    // Held while its webhook is disabled; a row paged in after a re-enable goes out again.
    const w = this.catalog.byIdAnyOrg(d.webhookId);
    if (w?.status === 'ENABLED') this.restart(d);
    else this.states.hold(q, d, w, false);
  }

  private restart(d: Delivery): void {
    this.states.newRound(d);
    this.schedule(this.queue(d.webhookId), d);
  }

  private bound(q: EndpointQueue): void {
    const w = this.catalog.byIdAnyOrg(q.webhookId);
    if (w) this.states.bound(q, w);
  }

  private schedule(q: EndpointQueue, d: Delivery): void {
    const wait = (d.nextAttemptAt ?? 0) - Date.now();
    if (wait <= 0) this.due(q, d);
    else this.wait(q, d, wait);
  }

  private wait(q: EndpointQueue, d: Delivery, ms: number): void {
    const t = setTimeout(() => {
      q.waiting.delete(d);
      this.due(q, d);
      this.pump.run();
    }, ms);
    t.unref();
    q.waiting.set(d, t);
  }

  /** Due now; under a callback rate limit it is given the next free slot and waits for it (never dropped). */
  private due(q: EndpointQueue, d: Delivery): void {
    const limit = this.catalog.byIdAnyOrg(q.webhookId)?.rateLimitPerMinute;
    if (limit && !q.slotted.delete(d)) {
      const now = Date.now();
      const slot = Math.max(now, q.nextSlotAt);
      q.nextSlotAt = slot + 60_000 / limit;
      if (slot > now) {
        q.slotted.add(d);
        d.nextAttemptAt = slot;
        this.log.save(d); // the delivery log shows when it will go
        return this.wait(q, d, slot - now);
      }
    }
    q.push(d);
    this.pump.ready(q);
  }

  /** The claim an attempt waited for: attempted now if this instance holds it, else out of the window. */
  private claimSettled(q: EndpointQueue, d: Delivery, mine: boolean): void {
    if (mine) {
      q.push(d);
      this.pump.ready(q);
    } else if (q.resident.delete(d.id) && q.wantsPage) void this.pageIn(q);
    this.pump.run();
  }

  /** A delivery finished: its place in the window is free for the rows behind it in storage. */
  private finished(d: Delivery): void {
    const q = this.queues.get(d.webhookId);
    if (q?.resident.delete(d.id) && q.wantsPage) void this.pageIn(q);
  }

  private async pageIn(q: EndpointQueue): Promise<void> {
    const stopped = () => this.stopped;
    try {
      await this.pager.fill(q, (d) => this.place(q, d), stopped);
      const drop = (d: Delivery) => this.states.drop(d, 'webhook_deleted');
      if (!this.queues.has(q.webhookId)) await this.pager.drain(q, drop, stopped);
    } catch (err) {
      // Retried every second while storage fails: through the limiter like every background writer.
      this.failures.error('page-in', `paging in deliveries of webhook ${q.webhookId}: ${(err as Error).message}`);
      setTimeout(() => q.wantsPage && void this.pageIn(q), 1000).unref();
    }
    this.pump.run();
  }

  /**
   * Disabled ⇒ the breaker is let go and what waits for a retry is held now; re-enabled ⇒ held deliveries go
   * out again, oldest first; a new URL ⇒ the breaker is let go; deleted ⇒ everything still queued is dropped.
   */
  private webhookChanged(current: Webhook | null, previous: Webhook | null): void {
    const id = (current ?? previous)!.id;
    const q = this.queues.get(id);
    if (!q) return;
    if (!current) {
      this.queues.delete(id);
      for (const d of q.takeAll()) this.states.drop(d, 'webhook_deleted');
      if (!q.paging) void this.pageIn(q); // drops what is still in storage
      return;
    }
    if (current.rateLimitPerMinute !== previous?.rateLimitPerMinute) this.reslot(q);
    if (current.status !== previous?.status || current.url !== previous.url) {
      reset(q.breaker); // judged afresh: disabled, re-enabled, or another endpoint
      if (current.status !== 'ENABLED') for (const d of q.takeWaiting()) q.push(d); // held at their attempt
      this.pump.ready(q);
    }
    if (current.status === 'ENABLED') for (const d of q.takeHeld()) this.restart(d);
    this.pump.run();
  }

  /** A changed rate limit: the slots given under the old one are given again. */
  private reslot(q: EndpointQueue): void {
    for (const d of q.unslot()) this.due(q, d);
    this.pump.run();
  }

  private queue(webhookId: number): EndpointQueue {
    let q = this.queues.get(webhookId);
    if (!q) this.queues.set(webhookId, (q = new EndpointQueue(webhookId, this.window)));
    return q;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const q of this.queues.values()) for (const t of q.waiting.values()) clearTimeout(t);
    await this.log.close();
    await this.sender.close();
  }
}

/** What a start resumes from storage: a backlog that then does not shrink is stalled (see /metrics). */
function resumingLine(counts: UnfinishedCount[]): string {
  const n = (status: string) => counts.reduce((sum, c) => sum + (c.status === status ? c.n : 0), 0);
  const webhooks = new Set(counts.map((c) => c.webhookId)).size;
  return `resuming ${n('pending')} pending and ${n('held')} held deliveries of ${webhooks} webhooks from storage`;
}

import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config.js';
import { FailureNotifier } from '../notifications/failure-notifier.js';
import { WebhookCatalog } from '../webhooks/webhook-catalog.js';
import type { Webhook } from '../webhooks/webhook.model.js';
import { CallbackCredentials } from './auth/callback-credentials.js';
import type { Delivery, DeliveryAttempt, DeliveryStatus, RenderedRequest } from './delivery.model.js';
import { DELIVERY_REPOSITORY, type DeliveryRepository } from './delivery.repository.js';
import { DeliveryLog } from './delivery-log.js';
import { DeliveryMetrics } from './delivery-metrics.js';
import { DELIVERY_OWNERSHIP, type DeliveryOwnership } from './delivery-ownership.js';
import { EndpointQueue } from './endpoint-queue.js';
import {
  describeFailure,
  type OutboundRequest,
  type OutboundResponse,
  type WebhookHttpClient,
} from './http/webhook-http-client.js';
import { RetryPolicy } from './retry-policy.js';
import { sign } from './signing.js';

export const WEBHOOK_HTTP_CLIENT = Symbol('WebhookHttpClient');
const STORED_RESPONSE_CHARS = 1024;
const USER_AGENT = 'device-gateway-webhooks/1';

/** The result of one HTTP attempt, whatever happened. */
export interface AttemptResult {
  statusCode: number | null;
  durationMs: number;
  response: string;
  error: string | null;
  headers: OutboundResponse['headers'];
}

/**
 * Delivers the outbox (ARCHITECTURE §5): one queue per webhook with bounded concurrency, so a slow or dead
 * endpoint holds only its own slots; a global cap on top. Each attempt adds credentials and Standard Webhooks
 * headers to the rendered request, then the outcome decides: delivered, retry later, failed, or held.
 */
@Injectable()
export class Dispatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(Dispatcher.name);
  private readonly queues = new Map<number, EndpointQueue>();
  private readonly runnable = new Set<EndpointQueue>();
  private readonly perEndpoint: number;
  private readonly globalMax: number;
  private readonly deadlineMs: number;
  private inFlight = 0;
  private stopped = false;

  constructor(
    private readonly catalog: WebhookCatalog,
    private readonly log: DeliveryLog,
    private readonly metrics: DeliveryMetrics,
    private readonly notifier: FailureNotifier,
    private readonly credentials: CallbackCredentials,
    private readonly policy: RetryPolicy,
    @Inject(WEBHOOK_HTTP_CLIENT) private readonly client: WebhookHttpClient,
    @Inject(DELIVERY_REPOSITORY) private readonly deliveries: DeliveryRepository,
    config: GatewayConfig,
    @Optional() @Inject(DELIVERY_OWNERSHIP) private readonly ownership: DeliveryOwnership | null = null,
  ) {
    this.perEndpoint = config.WEBHOOK_CONCURRENCY;
    this.deadlineMs = config.WEBHOOK_TIMEOUT_MS;
    this.globalMax = Math.max(256, config.WEBHOOK_CONCURRENCY * 16);
  }

  /** Resumes what a previous run left: pending rows at their next attempt time, held rows aside. */
  async onModuleInit(): Promise<void> {
    this.catalog.onChange((current, previous) => this.webhookChanged(current, previous));
    const stored = await this.deliveries.unfinished();
    const resume = (rows: Delivery[]) => {
      for (const d of rows) this.metrics.move(d.webhookId, null, d.status);
      this.accept(rows);
    };
    // Several instances on one database: only what this one claims (delivery-claims.ts); the rest later if taken over.
    resume(this.ownership ? await this.ownership.resume(stored, resume) : stored);
  }

  /** Committed deliveries, new or resumed. */
  accept(deliveries: Delivery[]): void {
    this.ownership?.admit(deliveries);
    for (const d of deliveries) {
      if (d.status === 'held') this.queue(d.webhookId).held.push(d);
      else this.schedule(d);
    }
    this.pump();
  }

  /** Replays a delivery (any status): a new round of the retry schedule, the same webhook-id. */
  replay(d: Delivery): void {
    const live = this.take(d) ?? d;
    if (live.status === 'pending' && live !== d) return this.schedule(live); // already on its way
    if (live.status === 'pending') return;
    this.restart(live);
    this.pump();
  }

  private restart(d: Delivery): void {
    this.setStatus(d, 'pending');
    d.roundStart = d.attempts;
    d.nextAttemptAt = null;
    this.log.save(d);
    this.schedule(d);
  }

  private schedule(d: Delivery): void {
    const q = this.queue(d.webhookId);
    const wait = (d.nextAttemptAt ?? 0) - Date.now();
    if (wait <= 0) {
      q.push(d);
      this.runnable.add(q);
      return;
    }
    const t = setTimeout(() => {
      q.waiting.delete(d);
      q.push(d);
      this.runnable.add(q);
      this.pump();
    }, wait);
    t.unref();
    q.waiting.set(d, t);
  }

  private pump(): void {
    while (!this.stopped && this.inFlight < this.globalMax && this.runnable.size > 0) {
      for (const q of this.runnable) {
        if (this.inFlight >= this.globalMax) return;
        if (q.inFlight >= this.perEndpoint || q.due === 0) {
          this.runnable.delete(q);
          continue;
        }
        const d = q.next()!;
        q.inFlight++;
        this.inFlight++;
        const settled = () => {
          q.inFlight--;
          this.inFlight--;
          if (q.due > 0) this.runnable.add(q);
          this.pump();
        };
        this.attempt(d).then(settled, (err: Error) => {
          this.logger.error(`attempt of delivery ${d.id}: ${err.message}`);
          settled();
        });
      }
    }
  }

  private async attempt(d: Delivery): Promise<void> {
    if (this.ownership && !this.ownership.mayAttempt(d, (x) => this.accept([x]))) return;
    const w = this.catalog.byIdAnyOrg(d.webhookId);
    if (!w) return this.drop(d, 'webhook_deleted');
    if (w.status !== 'ENABLED') return this.hold(d);
    const result = await this.send(w, d.messageId, d.request);
    const now = Date.now();
    d.attempts++;
    w.attemptCount++;
    const outcome = this.policy.outcome(
      d.attempts - d.roundStart,
      result.statusCode,
      result.headers['retry-after'],
      now,
    );
    this.metrics.observeAttempt(outcome.kind, result.durationMs);
    d.lastStatusCode = result.statusCode;
    d.lastError = result.error;
    const attempt: DeliveryAttempt = {
      deliveryId: d.id,
      n: d.attempts,
      ts: now - result.durationMs,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      response: result.response.slice(0, STORED_RESPONSE_CHARS),
      error: result.error,
      nextRetryAt: null,
    };
    if (outcome.kind === 'delivered') {
      w.failureCount = 0;
      this.setStatus(d, 'delivered');
    } else if (outcome.kind === 'gone') {
      this.disable(w, `the endpoint answered 410 Gone`);
      this.setStatus(d, 'held');
      this.queue(w.id).held.push(d);
    } else if (++w.failureCount >= w.failureLimit) {
      this.disable(
        w,
        `${w.failureCount} consecutive failed attempts (failureLimit ${w.failureLimit}); last: ${result.error ?? `HTTP ${result.statusCode}`}`,
      );
      this.setStatus(d, 'held');
      this.queue(w.id).held.push(d);
    } else if (outcome.kind === 'retry') {
      d.nextAttemptAt = attempt.nextRetryAt = outcome.at;
      this.schedule(d);
    } else {
      this.setStatus(d, 'failed');
    }
    this.catalog.touch(w);
    this.log.save(d, attempt);
  }

  /** One HTTP attempt with credentials and signatures; an OAuth2 401 refreshes the token and tries once more. */
  async send(w: Webhook, messageId: string, request: RenderedRequest): Promise<AttemptResult> {
    const started = performance.now();
    try {
      const prepared = this.withHeaders(w, messageId, request);
      let res = await this.client.send(prepared instanceof Promise ? await prepared : prepared);
      if (res.status === 401 && w.authType === 'OAUTH2') {
        this.credentials.oauth2.invalidate(this.credentials.clientCredentials(w));
        res = await this.client.send(await this.withHeaders(w, messageId, request));
      }
      return {
        statusCode: res.status,
        durationMs: Math.round(performance.now() - started),
        response: res.body,
        error:
          res.status >= 300 && res.status < 400
            ? `redirect to ${String(res.headers.location ?? '?')} not followed`
            : null,
        headers: res.headers,
      };
    } catch (err) {
      const e = describeFailure(err, this.deadlineMs);
      return {
        statusCode: null,
        durationMs: Math.round(performance.now() - started),
        response: '',
        error: `${e.code}: ${e.message}`,
        headers: {},
      };
    }
  }

  /** The request of one attempt; a promise only while an OAuth2 token is being fetched. */
  private withHeaders(w: Webhook, messageId: string, r: RenderedRequest): OutboundRequest | Promise<OutboundRequest> {
    const headers: Record<string, string> = Object.assign({}, r.headers);
    const pending = this.credentials.addHeaders(w, headers);
    return pending ? pending.then(() => this.signed(w, messageId, r, headers)) : this.signed(w, messageId, r, headers);
  }

  private signed(w: Webhook, messageId: string, r: RenderedRequest, headers: Record<string, string>): OutboundRequest {
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    headers['user-agent'] = USER_AGENT;
    headers['webhook-id'] = messageId;
    headers['webhook-timestamp'] = String(ts);
    headers['webhook-signature'] = sign(this.credentials.signingKeys(w, now), messageId, ts, r.body);
    return { url: r.url, method: r.method, headers, body: r.body };
  }

  private disable(w: Webhook, reason: string): void {
    if (w.status !== 'ENABLED') return;
    w.status = 'DISABLED_DUE_TO_ERRORS';
    this.catalog.touch(w, true);
    this.logger.warn(`webhook ${w.id} disabled: ${reason}`);
    void this.notifier.webhookDisabled(w, reason);
  }

  private hold(d: Delivery): void {
    this.setStatus(d, 'held');
    this.queue(d.webhookId).held.push(d);
    this.log.save(d);
  }

  private drop(d: Delivery, reason: string): void {
    this.setStatus(d, 'dropped', reason);
    d.dropReason = reason;
    d.nextAttemptAt = null;
    this.log.save(d);
  }

  private setStatus(d: Delivery, to: DeliveryStatus, reason = ''): void {
    this.metrics.move(d.webhookId, d.status, to, reason);
    d.status = to;
    if (this.ownership && to !== 'pending' && to !== 'held') this.ownership.finished(d);
  }

  /** Re-enabled ⇒ held deliveries go out again; deleted ⇒ everything still queued is dropped. */
  private webhookChanged(current: Webhook | null, previous: Webhook | null): void {
    const id = (current ?? previous)!.id;
    const q = this.queues.get(id);
    if (!q) return;
    if (!current) {
      for (const d of q.takeAll()) this.drop(d, 'webhook_deleted');
      this.queues.delete(id);
      return;
    }
    if (current.status === 'ENABLED' && q.held.length > 0) {
      const held = q.held.splice(0);
      for (const d of held) this.restart(d);
      this.pump();
    }
  }

  /** The live copy of a stored delivery, taken out of the held list or its retry timer. */
  private take(d: Delivery): Delivery | undefined {
    const q = this.queues.get(d.webhookId);
    if (!q) return undefined;
    const i = q.held.findIndex((x) => x.id === d.id);
    if (i >= 0) return q.held.splice(i, 1)[0];
    for (const [x, t] of q.waiting) {
      if (x.id === d.id) {
        clearTimeout(t);
        q.waiting.delete(x);
        return x;
      }
    }
    return undefined;
  }

  private queue(webhookId: number): EndpointQueue {
    let q = this.queues.get(webhookId);
    if (!q) this.queues.set(webhookId, (q = new EndpointQueue(webhookId)));
    return q;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const q of this.queues.values()) for (const t of q.waiting.values()) clearTimeout(t);
    await this.log.flush();
    await this.client.close();
  }
}

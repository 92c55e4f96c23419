import type { WebhookCatalog } from '../webhooks/webhook-catalog.js';
import type { Webhook } from '../webhooks/webhook.model.js';
import type { AttemptResult, CallbackSender } from './callback-sender.js';
import { type Admission, probeSkipped } from './circuit-breaker.js';
import type { Delivery, DeliveryAttempt, RenderedRequest, ResponseHeader } from './delivery.model.js';
import type { DeliveryMetrics } from './delivery-metrics.js';
import type { DeliveryOwnership } from './delivery-ownership.js';
import type { DeliveryStates } from './delivery-states.js';
import type { EndpointHealth } from './endpoint-health.js';
import type { EndpointQueue } from './endpoint-queue.js';
import { renderDelivery } from './render/request-renderer.js';
import type { RetryPolicy } from './retry-policy.js';

const STORED_RESPONSE_CHARS = 1024;
/** Response headers kept per attempt: enough to see Retry-After, rate-limit and request-id headers, bounded. */
const STORED_HEADERS = 30;
const STORED_HEADER_CHARS = 256;

/** What an attempt's outcome hands back: the endpoint's health, a retry to schedule, a claim won later. */
export interface AttemptFollowUps {
  health: EndpointHealth;
  retry: (q: EndpointQueue, d: Delivery) => void;
  /** A claim `run` could not get at once was decided: attempt it (mine) or let it go (another instance's). */
  claimSettled: (q: EndpointQueue, d: Delivery, mine: boolean) => void;
}

/**
 * One attempt of one delivery (docs/architecture.md §5): asks for its claim, renders the stored event under the
 * webhook's current configuration, sends it, and lets the outcome decide: delivered, retried, failed or held.
 */
export class DeliveryAttempts {
  constructor(
    private readonly catalog: WebhookCatalog,
    private readonly sender: CallbackSender,
    private readonly policy: RetryPolicy,
    private readonly metrics: DeliveryMetrics,
    private readonly states: DeliveryStates,
    private readonly ownership: DeliveryOwnership | null,
    private readonly then: AttemptFollowUps,
  ) {}

  /** Attempts `d` as the breaker admitted it: sent, or held, dropped or left to its owner without a request. */
  async run(q: EndpointQueue, d: Delivery, admission: Exclude<Admission, 'wait'>): Promise<void> {
    const w = this.catalog.byIdAnyOrg(d.webhookId);
    if (this.ownership && !this.ownership.mayAttempt(d, (x, mine) => this.then.claimSettled(q, x, mine))) {
      // Not claimed yet, or another instance's: it stays in the window until the claim is decided.
    } else if (!w) {
      this.states.drop(d, 'webhook_deleted');
    } else if (w.status !== 'ENABLED') {
      this.states.hold(q, d, w);
    } else {
      return this.send(q, d, w, admission);
    }
    if (admission === 'probe') probeSkipped(q.breaker);
  }

  private async send(
    q: EndpointQueue,
    d: Delivery,
    sent: Webhook,
    admission: Exclude<Admission, 'wait'>,
  ): Promise<void> {
    const result = await this.sender.send(sent, d.messageId, this.render(d, sent));
    if (result.configurationError) return this.misconfigured(q, d, result.error, admission);
    const w = this.catalog.byIdAnyOrg(d.webhookId) ?? sent; // an update meanwhile replaced the catalog's copy
    const now = Date.now();
    d.attempts++;
    this.catalog.attempted(w);
    const outcome = this.policy.outcome(
      d.attempts - d.roundStart,
      result.statusCode,
      result.headers['retry-after'],
      now,
    );
    this.metrics.observeAttempt(outcome.kind, result.durationMs);
    d.lastStatusCode = result.statusCode;
    d.lastError = result.error;
    const attempt = attemptRecord(d, result, now);
    if (outcome.kind === 'delivered') {
      this.then.health.delivered(q, w);
      this.states.set(d, 'delivered');
    } else if (outcome.kind === 'gone') {
      this.then.health.disable(w, `the endpoint answered 410 Gone`);
      this.states.hold(q, d, w, false);
    } else if (w.status !== 'ENABLED' || this.then.health.failed(q, w, admission, result, now) === 'disable') {
      this.states.hold(q, d, w, false); // disabled meanwhile (by its owner, or by this failure)
    } else if (outcome.kind === 'retry') {
      d.nextAttemptAt = attempt.nextRetryAt = outcome.at;
      this.then.retry(q, d);
    } else {
      this.states.set(d, 'failed');
    }
    this.states.save(d, attempt);
  }

  /**
   * A secret this instance cannot open is its configuration's fault, not the receiver's: held (out again after a
   * restart with the right GATEWAY_SECRET_KEY, or when the webhook is saved again), never counted toward
   * failureLimit, and no probe spent on it.
   */
  private misconfigured(q: EndpointQueue, d: Delivery, why: string | null, admission: Exclude<Admission, 'wait'>) {
    d.lastError = why;
    this.states.hold(q, d, undefined);
    if (admission === 'probe') probeSkipped(q.breaker);
  }

  /**
   * The webhook's current configuration applied to the stored event. The send time is fixed per configuration
   * (`renderedFor`), so attempts under an unchanged webhook send the same bytes, across restarts too.
   */
  private render(d: Delivery, w: Webhook): RenderedRequest {
    if (d.renderedFor !== w.lastModifiedTs || d.renderedAt === null) {
      d.renderedAt = Date.now();
      d.renderedFor = w.lastModifiedTs;
    }
    return renderDelivery(d, w);
  }
}

/** One attempt as the delivery log shows it (its next retry time filled in when there is one). */
function attemptRecord(d: Delivery, result: AttemptResult, now: number): DeliveryAttempt {
  return {
    deliveryId: d.id,
    n: d.attempts,
    ts: now - result.durationMs,
    durationMs: result.durationMs,
    statusCode: result.statusCode,
    response: result.response.slice(0, STORED_RESPONSE_CHARS),
    error: result.error,
    nextRetryAt: null,
    responseHeaders: storedHeaders(result.headers),
  };
}

/** The first STORED_HEADERS headers, each value (several joined with ", ") cut to STORED_HEADER_CHARS. */
export function storedHeaders(headers: AttemptResult['headers']): ResponseHeader[] {
  const out: ResponseHeader[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    if (out.length === STORED_HEADERS) break;
    const value = (Array.isArray(v) ? v.join(', ') : v).slice(0, STORED_HEADER_CHARS);
    out.push({ name: k.slice(0, STORED_HEADER_CHARS), value });
  }
  return out;
}

import { Logger } from '@nestjs/common';
import type { FailureNotifier } from '../notifications/failure-notifier.js';
import type { WebhookCatalog } from '../webhooks/webhook-catalog.js';
import type { WebhookRecord } from '../webhooks/webhook.model.js';
import type { AttemptResult } from './callback-sender.js';
import { type Admission, failed, type FailureVerdict, succeeded } from './circuit-breaker.js';
import type { EndpointQueue } from './endpoint-queue.js';
import type { RetryPolicy } from './retry-policy.js';

/**
 * Whether a webhook's endpoint works, from the attempts' outcomes: its circuit breaker, the consecutive
 * failures it counts (`failureCount`), and disabling the webhook at `failureLimit` or on 410 Gone, which tells
 * the failureReceivers (FailureNotifier). The rules are here; the webhook's record changes through the
 * catalog, its one writer.
 */
export class EndpointHealth {
  private readonly logger = new Logger('Dispatcher');

  constructor(
    private readonly catalog: WebhookCatalog,
    private readonly notifier: FailureNotifier,
    private readonly policy: RetryPolicy,
  ) {}

  delivered(q: EndpointQueue, w: WebhookRecord): void {
    this.catalog.succeeded(w);
    succeeded(q.breaker);
  }

  /** A failed attempt: counted towards failureLimit unless the breaker had already counted this failure. */
  failed(
    q: EndpointQueue,
    w: WebhookRecord,
    admission: Exclude<Admission, 'wait'>,
    result: AttemptResult,
    now: number,
  ): FailureVerdict {
    const probeAt = this.policy.probeAt(w.failureCount + 1, result.statusCode, result.headers['retry-after'], now);
    const verdict = failed(q.breaker, admission, w.failureCount, w.failureLimit, probeAt);
    if (verdict === 'ignored') return verdict;
    this.catalog.failed(w);
    if (verdict === 'disable')
      this.disable(
        w,
        `${w.failureCount} consecutive failed attempts, one per probe while the endpoint fails ` +
          `(failureLimit ${w.failureLimit}); last: ${result.error ?? `HTTP ${result.statusCode}`}`,
      );
    return verdict;
  }

  /** DISABLED_DUE_TO_ERRORS (from ENABLED only): what matches from now on is held; the receivers are told. */
  disable(w: WebhookRecord, reason: string): void {
    if (!this.catalog.disableForErrors(w)) return;
    this.logger.warn(`webhook ${w.id} disabled: ${reason}`);
    void this.notifier.webhookDisabled(w, reason);
  }
}

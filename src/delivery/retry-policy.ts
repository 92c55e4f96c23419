// What an attempt's outcome means (docs/architecture.md §5): 2xx delivered; 410 disables the webhook; 3xx and every
// other outcome is a failure retried on the schedule; 429/502/503/504 honour Retry-After. The same schedule
// spaces the probes of an endpoint whose circuit breaker is open (circuit-breaker.ts).

export type Outcome = { kind: 'delivered' } | { kind: 'gone' } | { kind: 'retry'; at: number } | { kind: 'exhausted' };

const HONOURS_RETRY_AFTER = new Set([429, 502, 503, 504]);

export class RetryPolicy {
  private readonly maxDelay: number;

  /** `schedule[n]` is the delay before attempt n+1 (WEBHOOK_RETRY_SCHEDULE_MS); its length the number of attempts. */
  constructor(
    private readonly schedule: readonly number[],
    private readonly random: () => number = Math.random,
  ) {
    this.maxDelay = Math.max(...schedule, 1000);
  }

  /** When a new delivery's first attempt is due: null for at once (the default schedule starts with 0). */
  firstAttemptAt(now: number): number | null {
    return this.schedule[0] > 0 ? now + this.schedule[0] : null;
  }

  /**
   * `attempts` is how many attempts have been made, including this one. Jitter is ±20% of each delay — a
   * fixed schedule (Svix's) needs no backoff formula, only the spread that keeps retries from arriving in step.
   */
  outcome(attempts: number, status: number | null, retryAfter: string | string[] | undefined, now: number): Outcome {
    if (status !== null && status >= 200 && status < 300) return { kind: 'delivered' };
    if (status === 410) return { kind: 'gone' };
    if (attempts >= this.schedule.length) return { kind: 'exhausted' };
    return { kind: 'retry', at: this.after(this.schedule[attempts], status, retryAfter, now) };
  }

  /**
   * When an open endpoint is probed next, after `failures` consecutive counted failures (1 after the one that
   * opened it): the schedule's delay at that position, its last delay past its end, so probes never run out.
   */
  probeAt(failures: number, status: number | null, retryAfter: string | string[] | undefined, now: number): number {
    const base = this.schedule[Math.min(failures, this.schedule.length - 1)] || this.maxDelay;
    return this.after(base, status, retryAfter, now);
  }

  private after(base: number, status: number | null, retryAfter: string | string[] | undefined, now: number): number {
    const hinted = status !== null && HONOURS_RETRY_AFTER.has(status) ? parseRetryAfter(retryAfter, now) : null;
    const delay = hinted ?? base * (0.8 + this.random() * 0.4);
    return now + Math.min(Math.round(delay), this.maxDelay);
  }
}

/** Retry-After: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

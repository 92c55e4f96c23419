// A circuit breaker per endpoint (Convoy's idea), as pure functions of (breaker, time): the dispatcher owns
// the timers and the webhook's counters, so this file is tested with explicit timestamps.
//
// Closed: deliveries go as they come. A failed attempt opens it: from then on one delivery at a time (the
// probe) tries the endpoint, when the retry schedule says (`probeAt`); the others wait, neither attempted nor
// counted. A success closes it. Only the attempt that opened it and failed probes count towards failureLimit,
// so an outage costs one failure per probe, not one per event.

export interface Breaker {
  open: boolean;
  /** While open: when the next probe may go. */
  probeAt: number;
  /** While open: a probe is in flight. */
  probing: boolean;
}

export const closedBreaker = (): Breaker => ({ open: false, probeAt: 0, probing: false });

/** `send`: an ordinary attempt (closed). `probe`: the one attempt that tests an open endpoint. `wait`: not now. */
export type Admission = 'send' | 'probe' | 'wait';

/** Whether the next due delivery may be attempted now; a `probe` answer marks the probe in flight. */
export function admit(b: Breaker, now: number): Admission {
  if (!b.open) return 'send';
  if (b.probing || now < b.probeAt) return 'wait';
  b.probing = true;
  return 'probe';
}

/** While open and idle: when an attempt may go next (null: closed, or a probe is in flight). */
export function nextProbe(b: Breaker): number | null {
  return b.open && !b.probing ? b.probeAt : null;
}

/** The probe was not sent after all (not this instance's to attempt, or its webhook was disabled meanwhile). */
export function probeSkipped(b: Breaker): void {
  b.probing = false;
}

/** The endpoint answered 2xx: closed (a probe or an attempt sent before it opened, either proves it works). */
export function succeeded(b: Breaker): void {
  b.open = false;
  b.probing = false;
}

/**
 * `ignored`: the endpoint's failure is already counted (an attempt sent before the breaker opened, landing
 * after). `counted`: one more consecutive failure, the next probe at `probeAt`. `disable`: that count reached
 * the webhook's failureLimit.
 */
export type FailureVerdict = 'ignored' | 'counted' | 'disable';

/**
 * A failed attempt (`admission` as `admit` gave it). `failures` is the webhook's count of consecutive counted
 * failures before this one; the caller adds one unless `ignored`.
 */
export function failed(
  b: Breaker,
  admission: Exclude<Admission, 'wait'>,
  failures: number,
  failureLimit: number,
  probeAt: number,
): FailureVerdict {
  if (admission === 'send' && b.open) return 'ignored';
  b.open = true;
  b.probing = false;
  b.probeAt = probeAt;
  return failures + 1 >= failureLimit ? 'disable' : 'counted';
}

/** Disabled, re-enabled or reconfigured: the endpoint is judged afresh. */
export function reset(b: Breaker): void {
  succeeded(b);
  b.probeAt = 0;
}

/** How many of a webhook's held deliveries expire so that at most `max` are kept (the oldest go first). */
export function heldExcess(held: number, max: number): number {
  return Math.max(0, held - max);
}

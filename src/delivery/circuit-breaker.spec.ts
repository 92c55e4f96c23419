import {
  admit,
  type Breaker,
  closedBreaker,
  failed,
  heldExcess,
  nextProbe,
  probeSkipped,
  reset,
  succeeded,
} from './circuit-breaker.js';
import { RetryPolicy } from './retry-policy.js';

const DEFAULT_SCHEDULE = [0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000];
const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * An endpoint down from `downFrom` to `downUntil` (ms on a fake clock), events every `everyMs`, the dispatcher's
 * use of the breaker played step by step: each due delivery is admitted or waits; an admitted one fails while the
 * endpoint is down. Returns the most counted failures in a row, when it was disabled (null: never), how many
 * attempts failed, and how many deliveries are left waiting.
 */
function outage(opts: { downUntil: number; until: number; everyMs: number; failureLimit?: number }) {
  const policy = new RetryPolicy(DEFAULT_SCHEDULE, () => 0.5); // midpoint: no jitter
  const b = closedBreaker();
  const limit = opts.failureLimit ?? 10;
  let failures = 0;
  let peak = 0;
  let failedAttempts = 0;
  let disabledAt: number | null = null;
  let due = 0; // deliveries waiting to be attempted
  for (let now = 0; now <= opts.until && disabledAt === null; now += opts.everyMs) {
    due++;
    for (let a = admit(b, now); a !== 'wait' && due > 0; a = admit(b, now)) {
      if (now >= opts.downUntil) {
        succeeded(b);
        failures = 0;
        due--;
        continue;
      }
      failedAttempts++;
      const verdict = failed(b, a, failures, limit, policy.probeAt(failures + 1, 500, undefined, now));
      if (verdict !== 'ignored') peak = Math.max(peak, ++failures);
      if (verdict === 'disable') disabledAt = now;
    }
  }
  return { peak, disabledAt, failedAttempts, due };
}

describe('circuit breaker', () => {
  let b: Breaker;
  let clock: number;
  beforeEach(() => {
    b = closedBreaker();
    clock = 1_000_000;
  });

  it('lets everything through while closed', () => {
    expect([admit(b, clock), admit(b, clock), admit(b, clock)]).toEqual(['send', 'send', 'send']);
    expect(nextProbe(b)).toBeNull();
  });

  it('opens on a failure: the others wait, one probe at a time from the probe time on', () => {
    expect(failed(b, 'send', 0, 10, clock + 5000)).toBe('counted');
    expect(admit(b, clock)).toBe('wait');
    expect(nextProbe(b)).toBe(clock + 5000);
    clock += 4999;
    expect(admit(b, clock)).toBe('wait');
    clock += 1;
    expect(admit(b, clock)).toBe('probe');
    expect(admit(b, clock)).toBe('wait'); // the probe is in flight
    expect(nextProbe(b)).toBeNull();
    expect(failed(b, 'probe', 1, 10, clock + 300_000)).toBe('counted');
    expect(admit(b, clock + 299_999)).toBe('wait');
    expect(admit(b, clock + 300_000)).toBe('probe');
    succeeded(b);
    expect(admit(b, clock + 300_001)).toBe('send');
  });

  it('does not count an attempt sent before it opened that fails after', () => {
    expect(failed(b, 'send', 0, 10, clock + 5000)).toBe('counted');
    expect(failed(b, 'send', 1, 10, clock + 5000)).toBe('ignored');
    expect(nextProbe(b)).toBe(clock + 5000); // nor does it move the probe time
  });

  it('disables when the counted failures reach failureLimit', () => {
    expect(failed(b, 'send', 0, 3, clock)).toBe('counted');
    expect(failed(b, 'probe', 1, 3, clock)).toBe('counted');
    expect(failed(b, 'probe', 2, 3, clock)).toBe('disable');
  });

  it('gives the probe back when it was not sent, and judges afresh after a reset', () => {
    failed(b, 'send', 0, 10, clock);
    expect(admit(b, clock)).toBe('probe');
    probeSkipped(b);
    expect(admit(b, clock)).toBe('probe');
    reset(b);
    expect(admit(b, clock)).toBe('send');
  });

  it('with the defaults, an outage of two hours at 100 events/s costs four counted failures, not a disable', () => {
    const r = outage({ downUntil: 2 * HOUR, until: 2 * HOUR + 40 * MIN, everyMs: 10 });
    expect(r.disabledAt).toBeNull();
    expect(r.due).toBe(0); // every event went out once the endpoint was back
    // The failure that opened it, then probes 5 s, 5 min and 30 min after each other; the next, 2 h later,
    // finds the endpoint back. Before, each of the 720,000 events' attempts counted: disabled at the tenth.
    expect(r.peak).toBe(4);
    expect(r.failedAttempts).toBe(4);
  });

  it('with the defaults, an endpoint that never comes back is disabled after the tenth counted failure', () => {
    const r = outage({ downUntil: Infinity, until: 100 * HOUR, everyMs: 1000 });
    expect(r.peak).toBe(10);
    // 5 s + 5 min + 30 min + 2 h + 5 h + 10 h × 4 after the first failure: about 47.6 h.
    expect(r.disabledAt! / HOUR).toBeGreaterThan(47);
    expect(r.disabledAt! / HOUR).toBeLessThan(48);
    expect(r.failedAttempts).toBe(10); // one attempt per counted failure: the rest waited
  });

  it('expires only what is over the bound', () => {
    expect(heldExcess(5, 10)).toBe(0);
    expect(heldExcess(12, 10)).toBe(2);
  });
});

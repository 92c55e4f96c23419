import { parseRetryAfter, RetryPolicy } from './retry-policy.js';

describe('RetryPolicy', () => {
  const policy = new RetryPolicy([0, 5000, 300000], () => 0.5); // no jitter at the midpoint

  it('maps statuses to outcomes', () => {
    expect(policy.outcome(1, 200, undefined, 0)).toEqual({ kind: 'delivered' });
    expect(policy.outcome(1, 204, undefined, 0)).toEqual({ kind: 'delivered' });
    expect(policy.outcome(1, 410, undefined, 0)).toEqual({ kind: 'gone' });
    expect(policy.outcome(1, 302, undefined, 0)).toEqual({ kind: 'retry', at: 5000 });
    expect(policy.outcome(1, null, undefined, 0)).toEqual({ kind: 'retry', at: 5000 });
    expect(policy.outcome(2, 500, undefined, 0)).toEqual({ kind: 'retry', at: 300000 });
    expect(policy.outcome(3, 500, undefined, 0)).toEqual({ kind: 'exhausted' });
  });

  it('honours Retry-After on 429/502/503/504 only, capped at the longest delay', () => {
    expect(policy.outcome(1, 429, '7', 1000)).toEqual({ kind: 'retry', at: 8000 });
    expect(policy.outcome(1, 503, '999999', 0)).toEqual({ kind: 'retry', at: 300000 });
    expect(policy.outcome(1, 500, '7', 0)).toEqual({ kind: 'retry', at: 5000 });
  });

  it('jitters each delay by at most 20%', () => {
    const low = new RetryPolicy([0, 10000], () => 0).outcome(1, 500, undefined, 0);
    const high = new RetryPolicy([0, 10000], () => 0.999999).outcome(1, 500, undefined, 0);
    expect(low).toEqual({ kind: 'retry', at: 8000 });
    expect(high).toEqual({ kind: 'retry', at: 10000 }); // capped at the longest delay
  });

  it('spaces probes by the schedule, its last delay past its end, honouring Retry-After', () => {
    expect(policy.probeAt(1, 500, undefined, 0)).toBe(5000);
    expect(policy.probeAt(2, null, undefined, 0)).toBe(300000);
    expect(policy.probeAt(9, 500, undefined, 0)).toBe(300000); // never runs out
    expect(policy.probeAt(1, 503, '7', 0)).toBe(7000);
    expect(new RetryPolicy([0], () => 0.5).probeAt(3, 500, undefined, 0)).toBe(1000); // no retries: 1 s apart
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(undefined, 0)).toBeNull();
  });
});

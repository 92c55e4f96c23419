import { ADDRESS_LIMITS, AuthThrottle, type ThrottleLimits } from './auth-throttle.js';

describe('AuthThrottle.anyBlocked (lets a login skip building its keys)', () => {
  const limits: ThrottleLimits = { maxFailures: 2, windowMs: 60_000, cooldownMs: 10_000 };

  it('is true exactly while some key is in its cooldown', () => {
    let now = 1_000;
    const throttle = new AuthThrottle(() => now);
    const keys: [string, ThrottleLimits][] = [['addr:10.0.0.1', limits]];
    expect(throttle.anyBlocked()).toBe(false);
    throttle.fail(keys);
    expect(throttle.anyBlocked()).toBe(false); // one failure of two: counted, not refused
    throttle.fail(keys);
    expect(throttle.anyBlocked()).toBe(true);
    expect(throttle.blocked(keys)).toBe('addr:10.0.0.1');
    now += limits.cooldownMs - 1;
    expect(throttle.anyBlocked()).toBe(true);
    now += 1;
    expect(throttle.anyBlocked()).toBe(false);
    expect(throttle.blocked(keys)).toBeNull();
  });

  it('stays true until the latest of several cooldowns ends', () => {
    let now = 0;
    const throttle = new AuthThrottle(() => now);
    throttle.fail([['a', { ...limits, maxFailures: 1, cooldownMs: 50_000 }]]);
    throttle.fail([['b', { ...ADDRESS_LIMITS, maxFailures: 1, cooldownMs: 5_000 }]]);
    now = 10_000;
    expect(throttle.blocked([['b', ADDRESS_LIMITS]])).toBeNull();
    expect(throttle.anyBlocked()).toBe(true); // 'a' still refused
    now = 50_000;
    expect(throttle.anyBlocked()).toBe(false);
  });
});

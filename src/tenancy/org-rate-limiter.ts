/**
 * Blynk's API rate in one instance's memory: at most `perMinute` requests per organization in each minute (fixed
 * windows, one counter per org: a map lookup and an increment per request). Over it, the caller is told how many
 * seconds to wait. With REDIS_URL the guard counts in Redis instead (SharedRateLimit), for all instances.
 */
export class OrgRateLimiter {
  private readonly windows = new Map<number, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request; returns 0 when allowed, otherwise the Retry-After in whole seconds. */
  take(orgId: number): number {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    let w = this.windows.get(orgId);
    if (!w || now - w.start >= 60_000) {
      if (this.windows.size > 100_000) this.windows.clear();
      this.windows.set(orgId, (w = { start: now, count: 0 }));
    }
    if (w.count >= this.perMinute) return Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
    w.count++;
    return 0;
  }
}

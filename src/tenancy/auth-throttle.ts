/**
 * Brute-force throttle for failed authentications: a counter per key (a client address, an identity) over a
 * fixed window; a key with `maxFailures` failures within `windowMs` is refused fast for `cooldownMs`, without
 * checking its credentials. Keys other than the failing ones are untouched, so an attacker's address being
 * throttled never slows the correct logins of others. A tiny in-memory counter rather than a library
 * (rate-limiter-flexible's memory limiter would do the same with more surface): one Map, pruned when large.
 * One instance per gateway (TenancyModule's provider), shared by every login surface — MQTT CONNECT, the REST
 * bearer guard, inbound basic auth — so an address failing over HTTP is refused over MQTT too, and the reverse.
 */
export interface ThrottleLimits {
  maxFailures: number;
  windowMs: number;
  cooldownMs: number;
}

/** Per client address: 10 failures a minute, then a minute's refusal. */
export const ADDRESS_LIMITS: ThrottleLimits = { maxFailures: 10, windowMs: 60_000, cooldownMs: 60_000 };
/**
 * Per identity (device/agent id, inbound webhook): higher, so that a distributed guess is slowed while one
 * address cannot lock a device out; tokens are 32 random bytes, so this bounds load more than guessing.
 */
export const IDENTITY_LIMITS: ThrottleLimits = { maxFailures: 50, windowMs: 60_000, cooldownMs: 60_000 };

/**
 * The key of a client address, the same on every surface. A dual-stack listener reports IPv4 peers as
 * `::ffff:a.b.c.d`; the prefix is dropped so one address is one key whichever listener it came through.
 */
export function addressKey(address: string | undefined): string {
  const a = address ?? 'unknown';
  return `addr:${a.startsWith('::ffff:') ? a.slice(7) : a}`;
}

/** The refusal while an address is throttled, in seconds for Retry-After: its cooldown. */
export const THROTTLED_RETRY_AFTER_S = Math.ceil(ADDRESS_LIMITS.cooldownMs / 1000);

interface Entry {
  windowStart: number;
  failures: number;
  blockedUntil: number;
}

const MAX_KEYS = 100_000;

export class AuthThrottle {
  private readonly entries = new Map<string, Entry>();
  /** The end of the latest cooldown set: before it some key may be refused, after it none is. */
  private latestBlockedUntil = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Whether any key is refused now: when none is, a login need not build its keys (an MQTT CONNECT's address
   * key costs a `getpeername`) to ask `blocked`.
   */
  anyBlocked(): boolean {
    return this.latestBlockedUntil > this.now();
  }

  /** The first key currently refused, or null. */
  blocked(keys: [string, ThrottleLimits][]): string | null {
    const t = this.now();
    for (const [key] of keys) {
      const e = this.entries.get(key);
      if (e && e.blockedUntil > t) return key;
    }
    return null;
  }

  fail(keys: [string, ThrottleLimits][]): void {
    const t = this.now();
    if (this.entries.size > MAX_KEYS) this.prune(t);
    for (const [key, limits] of keys) {
      let e = this.entries.get(key);
      if (!e || t - e.windowStart >= limits.windowMs) {
        e = { windowStart: t, failures: 0, blockedUntil: e?.blockedUntil ?? 0 };
        this.entries.set(key, e);
      }
      if (++e.failures >= limits.maxFailures) {
        e.blockedUntil = t + limits.cooldownMs;
        this.latestBlockedUntil = Math.max(this.latestBlockedUntil, e.blockedUntil);
      }
    }
  }

  /** A success clears an identity's count (not an address's: one good login must not reset an attacker). */
  succeed(key: string): void {
    this.entries.delete(key);
  }

  private prune(t: number): void {
    for (const [key, e] of this.entries) {
      if (e.blockedUntil <= t && t - e.windowStart >= 60_000) this.entries.delete(key);
    }
  }
}

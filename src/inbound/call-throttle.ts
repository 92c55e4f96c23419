import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { GatewayConfig } from '../config/gateway-config.js';

export const CALL_LIMIT = 100;
export const CALL_WINDOW_MS = 10_000;

/**
 * The per-inbound-webhook call budget (CALL_LIMIT calls per CALL_WINDOW_MS). One instance: a sliding window in
 * memory. With REDIS_URL (several instances behind a load balancer): one fixed-window counter per webhook in
 * Redis (rate-limiter-flexible: INCR and PEXPIRE in one atomic step), so the budget holds for the calls of all
 * instances together, not per instance. Redis unreachable: each instance falls back to its own in-memory
 * budget (the library's insurance limiter) rather than refusing every call.
 */
@Injectable()
export class CallThrottle implements OnApplicationShutdown {
  private readonly logger = new Logger('inbound-throttle');
  private readonly calls = new Map<string, number[]>();
  private readonly redis: Redis | null = null;
  private readonly shared: RateLimiterRedis | null = null;

  constructor(config: GatewayConfig) {
    if (!config.REDIS_URL) return;
    // No offline queue: while Redis is away a call fails over to the insurance limiter at once, not after a
    // reconnect; ioredis reconnects by itself.
    this.redis = new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.redis.on('error', (e: Error) => this.logger.warn(`redis: ${e.message}`));
    this.shared = new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: 'gateway:inbound-calls',
      points: CALL_LIMIT,
      duration: CALL_WINDOW_MS / 1000,
      insuranceLimiter: new RateLimiterMemory({ points: CALL_LIMIT, duration: CALL_WINDOW_MS / 1000 }),
    });
  }

  /** Counts one call of webhook `key`: null when within the budget, else the seconds until a retry may pass. */
  async take(key: string): Promise<number | null> {
    if (!this.shared) return this.takeLocal(key, Date.now());
    try {
      await this.shared.consume(key);
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection as Error;
    }
  }

  private takeLocal(key: string, now: number): number | null {
    const recent = (this.calls.get(key) ?? []).filter((t) => now - t < CALL_WINDOW_MS);
    if (recent.length >= CALL_LIMIT) {
      this.calls.set(key, recent);
      return Math.ceil((recent[0] + CALL_WINDOW_MS - now) / 1000);
    }
    recent.push(now);
    this.calls.set(key, recent);
    return null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

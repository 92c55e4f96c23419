import { Logger } from '@nestjs/common';
import { backgroundErrors } from '../observability/rate-limited-log.js';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface SharedRateLimitOptions {
  /** Names the counters in Redis (`gateway:<name>:<key>`) and the log lines about Redis. */
  name: string;
  points: number;
  windowMs: number;
}

/**
 * A budget of `points` per key in each window, counted for all instances together (several gateways behind a
 * load balancer, REDIS_URL): one fixed-window counter per key in Redis (rate-limiter-flexible: INCR and PEXPIRE
 * in one atomic step; the window starts at a key's first take). Redis unreachable: each instance falls back to
 * its own in-memory budget (the library's insurance limiter) rather than refusing every call.
 */
export class SharedRateLimit {
  private readonly redis: Redis;
  private readonly limiter: RateLimiterRedis;

  constructor(redisUrl: string, { name, points, windowMs }: SharedRateLimitOptions) {
    // ioredis reports every failed reconnection (about one a second while Redis is away): a few a minute.
    const errors = backgroundErrors(new Logger(name));
    // No offline queue: while Redis is away a take fails over to the insurance limiter at once, not after a
    // reconnect; ioredis reconnects by itself.
    this.redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.redis.on('error', (e: Error) => errors.warn('redis', `redis: ${e.message}`));
    const duration = windowMs / 1000;
    this.limiter = new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `gateway:${name}`,
      points,
      duration,
      insuranceLimiter: new RateLimiterMemory({ points, duration }),
    });
  }

  /** Counts one call of `key`: 0 when within the budget, else the whole seconds (≥ 1) until a retry may pass. */
  async take(key: string): Promise<number> {
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection as Error;
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

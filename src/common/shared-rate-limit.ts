import { Logger } from '@nestjs/common';
import { backgroundErrors } from '../observability/rate-limited-log.js';
import type { StopReport } from '../observability/stop-report.js';
import { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface SharedRateLimitOptions {
  /** Names the counters in Redis (`gateway:<name>:<key>`) and the log lines about Redis. */
  name: string;
  points: number;
  windowMs: number;
  /** Its Redis errors go quiet once this stop began. */
  stopReport: StopReport;
}

/**
 * A budget of `points` per key in each window: the gateway's one rate-limit design (API rate per organization,
 * inbound webhook calls). One fixed-window counter per key; the window starts at a key's first take. With a
 * Redis URL (several instances behind a load balancer) counted for all instances together, in Redis
 * (rate-limiter-flexible: INCR and PEXPIRE in one atomic step); Redis unreachable, each instance falls back to
 * its own in-memory budget (the library's insurance limiter) rather than refusing every call. Without one (a
 * single instance), the same counter in this instance's memory.
 */
export class SharedRateLimit {
  private readonly redis: Redis | null = null;
  private readonly limiter: RateLimiterAbstract;

  constructor(redisUrl: string | undefined, { name, points, windowMs, stopReport }: SharedRateLimitOptions) {
    const duration = windowMs / 1000;
    const memory = new RateLimiterMemory({ points, duration });
    if (!redisUrl) {
      this.limiter = memory;
      return;
    }
    // ioredis reports every failed reconnection (about one a second while Redis is away): a few a minute.
    const errors = backgroundErrors(new Logger(name), stopReport);
    // No offline queue: while Redis is away a take fails over to the insurance limiter at once, not after a
    // reconnect; ioredis reconnects by itself.
    this.redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.redis.on('error', (e: Error) => errors.warn('redis', `redis: ${e.message}`));
    this.limiter = new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `gateway:${name}`,
      points,
      duration,
      insuranceLimiter: memory,
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
    const redis = this.redis;
    await redis?.quit().catch(() => redis.disconnect());
  }
}

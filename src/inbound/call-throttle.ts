import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SharedRateLimit } from '../common/shared-rate-limit.js';
import { GatewayConfig } from '../config/gateway-config.js';

export const CALL_LIMIT = 100;
export const CALL_WINDOW_MS = 10_000;

/**
 * The per-inbound-webhook call budget (CALL_LIMIT calls per CALL_WINDOW_MS). One instance: a sliding window in
 * memory. With REDIS_URL (several instances behind a load balancer): counted in Redis for all instances
 * together (SharedRateLimit, with its in-memory fallback while Redis is away).
 */
@Injectable()
export class CallThrottle implements OnApplicationShutdown {
  private readonly calls = new Map<string, number[]>();
  private readonly shared: SharedRateLimit | null = null;

  constructor(config: GatewayConfig) {
    if (!config.REDIS_URL) return;
    this.shared = new SharedRateLimit(config.REDIS_URL, {
      name: 'inbound-calls',
      points: CALL_LIMIT,
      windowMs: CALL_WINDOW_MS,
    });
  }

  /** Counts one call of webhook `key`: null when within the budget, else the seconds until a retry may pass. */
  async take(key: string): Promise<number | null> {
    if (!this.shared) return this.takeLocal(key, Date.now());
    return (await this.shared.take(key)) || null;
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
    await this.shared?.close();
  }
}

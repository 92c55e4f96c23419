import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SharedRateLimit } from '../common/shared-rate-limit.js';
import { DeploymentMode } from '../config/deployment-mode.js';
import { StopReport } from '../observability/stop-report.js';

export const CALL_LIMIT = 100;
export const CALL_WINDOW_MS = 10_000;

/**
 * The per-inbound-webhook call budget (CALL_LIMIT calls per CALL_WINDOW_MS), a SharedRateLimit: in this
 * instance's memory, or with REDIS_URL (several instances behind a load balancer) counted in Redis for all
 * instances together, with its in-memory fallback while Redis is away.
 */
@Injectable()
export class CallThrottle implements OnApplicationShutdown {
  private readonly limit: SharedRateLimit;

  constructor(mode: DeploymentMode, stopReport: StopReport) {
    this.limit = new SharedRateLimit(mode.busUrl, {
      name: 'inbound-calls',
      points: CALL_LIMIT,
      windowMs: CALL_WINDOW_MS,
      stopReport,
    });
  }

  /** Counts one call of webhook `key`: null when within the budget, else the seconds until a retry may pass. */
  async take(key: string): Promise<number | null> {
    return (await this.limit.take(key)) || null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.limit.close();
  }
}

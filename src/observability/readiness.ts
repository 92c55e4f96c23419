import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DeploymentMode } from '../config/deployment-mode.js';
import { STORAGE_HEALTH, type StorageHealth } from './storage-health.js';

/** Each probe's bound: a store that does not answer is down as far as a load balancer is concerned. */
export const PROBE_TIMEOUT_MS = 2000;

export interface PartHealth {
  status: 'ok' | 'failing';
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  /** storage (a real write), redis (when REDIS_URL is set), mqtt (the broker's listeners). */
  checks: Record<string, PartHealth>;
}

/** Rejects after `ms` with a message saying so; `work` goes on unobserved. */
function bounded(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * /health/ready: whether this instance can do its work now — storage takes a write, Redis answers (when
 * configured), the broker listens. Each probe is bounded by PROBE_TIMEOUT_MS; probes asked while one runs
 * share it, so a hung store is not probed once per request.
 */
@Injectable()
export class Readiness implements OnApplicationShutdown {
  private readonly redis: Redis | null;
  private running: Promise<ReadinessReport> | null = null;
  /** Whether the MQTT listeners accept connections: the broker tells (listenersFrom); until then, not ready. */
  private mqttListening: () => boolean = () => false;

  constructor(
    @Inject(STORAGE_HEALTH) private readonly storage: StorageHealth,
    mode: DeploymentMode,
  ) {
    // Its own connection, without an offline queue: a ping while Redis is down fails at once.
    this.redis = mode.busUrl
      ? new Redis(mode.busUrl, {
          lazyConnect: true,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          retryStrategy: (n) => Math.min(n * 200, 2000),
        })
      : null;
    this.redis?.on('error', () => undefined); // reported by the probe, not once per reconnection
  }

  /** The broker's own answer to "are the listeners open" (observability imports no feature). */
  listenersFrom(listening: () => boolean): void {
    this.mqttListening = listening;
  }

  check(): Promise<ReadinessReport> {
    this.running ??= this.probe().finally(() => (this.running = null));
    return this.running;
  }

  private async probe(): Promise<ReadinessReport> {
    const parts: [string, () => Promise<unknown>][] = [
      ['storage', () => this.storage.probeWrite()],
      ...(this.redis ? [['redis', () => this.pingRedis()] as [string, () => Promise<unknown>]] : []),
      ['mqtt', async () => this.brokerListening()],
    ];
    const results = await Promise.all(parts.map(([, run]) => bounded(run(), PROBE_TIMEOUT_MS).then(ok, failing)));
    const checks = Object.fromEntries(parts.map(([name], i) => [name, results[i]]));
    return { ready: results.every((r) => r.status === 'ok'), checks };
  }

  private async pingRedis(): Promise<void> {
    if (this.redis!.status === 'wait') await this.redis!.connect();
    await this.redis!.ping();
  }

  private brokerListening(): void {
    if (!this.mqttListening()) throw new Error('the MQTT listeners are not accepting connections');
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }
}

const ok = (): PartHealth => ({ status: 'ok' });
const failing = (err: unknown): PartHealth => ({
  status: 'failing',
  error: (err as Error).message ?? String(err),
});

import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { GatewayConfig } from '../../config/gateway-config.js';
import { StopReport } from '../../observability/stop-report.js';
import { backgroundErrors, type RateLimitedLog } from '../../observability/rate-limited-log.js';
import { DeviceRegistry } from '../device-registry.js';
import { type AppendedSeries, HistoryRecorder } from './history-recorder.js';
import { DATASTREAM_HISTORY_REPOSITORY, type DatastreamHistoryRepository } from './history.repository.js';
import { HistoryRetentionService } from './history-retention.js';

const DAY_MS = 86_400_000;
/** Bounds of one run, so a backlog is worked off over several runs instead of one long stall. */
export const PRUNE_ROWS_PER_RUN = 50_000;
export const PRUNE_SERIES_PER_RUN = 200;

/** A datastream the pruner follows: how many values it holds (counted once, then followed by the appends). */
interface Series {
  orgId: number;
  deviceId: string;
  name: string;
  held: number | null;
}

/**
 * Deletes history beyond retention every HISTORY_PRUNE_INTERVAL_MS: by age per organization (each one's limit
 * within the global cap), and by count per datastream. Counting a datastream's rows is not free, so the pruner
 * counts each datastream once when it first sees values appended, then adds the appends, and trims when it
 * holds a tenth more than its limit (so a busy datastream is trimmed now and then, not every run).
 */
@Injectable()
export class HistoryPruner implements OnModuleInit, OnApplicationShutdown {
  private readonly series = new Map<string, Series>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private readonly failures: RateLimitedLog;

  constructor(
    @Inject(DATASTREAM_HISTORY_REPOSITORY) private readonly repo: DatastreamHistoryRepository,
    private readonly recorder: HistoryRecorder,
    private readonly registry: DeviceRegistry,
    private readonly retention: HistoryRetentionService,
    private readonly config: GatewayConfig,
    stopReport: StopReport,
  ) {
    this.failures = backgroundErrors(new Logger('history-pruner'), stopReport);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), this.config.HISTORY_PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.prune(Date.now())
      .catch((err: unknown) => this.failures.error('prune', `pruning history failed: ${String(err)}`))
      .finally(() => (this.running = null));
  }

  /** One run at `now`: what it deleted by age and by count. */
  async prune(now: number): Promise<{ aged: number; trimmed: number }> {
    const limits = await this.retention.effective();
    let budget = PRUNE_ROWS_PER_RUN;
    const orgs = new Set<number>();
    for (const d of this.registry.allDevices()) orgs.add(d.orgId);
    for (const org of orgs) {
      if (budget <= 0) break;
      budget -= await this.repo.pruneOlderThan(org, now - limits.days(org) * DAY_MS, budget);
    }
    const aged = PRUNE_ROWS_PER_RUN - budget;
    this.follow(this.recorder.takeAppended());
    let trimmed = 0;
    let checked = 0;
    for (const [key, s] of this.series) {
      if (checked >= PRUNE_SERIES_PER_RUN) break;
      const keep = limits.points(s.orgId);
      if (s.held !== null && s.held <= keep + Math.floor(keep / 10)) continue;
      checked++;
      if (s.held === null) s.held = await this.repo.count(s.deviceId, s.name);
      if (s.held > keep) {
        trimmed += await this.repo.pruneBeyond(s.deviceId, s.name, keep);
        s.held = keep;
      }
      if (!this.registry.device(s.deviceId)) this.series.delete(key);
    }
    return { aged, trimmed };
  }

  private follow(appended: AppendedSeries[]): void {
    for (const a of appended) {
      const key = `${a.deviceId}\u0000${a.name}`;
      const s = this.series.get(key);
      if (!s) this.series.set(key, { orgId: a.orgId, deviceId: a.deviceId, name: a.name, held: null });
      else if (s.held !== null) s.held += a.added;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

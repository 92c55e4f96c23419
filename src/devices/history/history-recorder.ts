import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import { within } from '../../common/within.js';
import { GatewayConfig } from '../../config/gateway-config.js';
import { GatewayMetrics } from '../../observability/gateway-metrics.js';
import { backgroundErrors, type RateLimitedLog } from '../../observability/rate-limited-log.js';
import { STOP_WAIT_MS, StopReport } from '../../observability/stop-report.js';
import {
  DATASTREAM_HISTORY_REPOSITORY,
  type DatastreamHistoryRepository,
  type HistoryRow,
  type HistorySeries,
} from './history.repository.js';

/** Each datastream's rows of a flush together, in arrival order. */
function bySeries(rows: HistoryRow[]): HistorySeries[] {
  const series = new Map<string, HistorySeries>();
  for (const r of rows) {
    const key = `${r.deviceId}\u0000${r.name}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { orgId: r.orgId, deviceId: r.deviceId, name: r.name, ts: [], values: [] }));
    s.ts.push(r.ts);
    s.values.push(r.value);
  }
  return [...series.values()];
}

/** A datastream that received values since the pruner last looked, and how many. */
export interface AppendedSeries {
  orgId: number;
  deviceId: string;
  name: string;
  added: number;
}

/**
 * Datastream history, written behind: DeviceRegistry.recordValue hands each value here (an array push, no I/O
 * on the ingest path) and the rows go to storage in batches every WRITE_BEHIND_FLUSH_MS, like the last values
 * themselves (docs/architecture.md says why not with the outbox). While storage fails the rows wait, up to
 * HISTORY_BUFFER_MAX; past it the oldest are dropped and counted (gateway_history_rows_dropped_total). The last
 * value of each datastream lives on the device either way.
 */
@Injectable()
export class HistoryRecorder implements OnModuleInit, OnApplicationShutdown {
  private pending: HistoryRow[] = [];
  /** Rows of the write in flight (what a stop that cannot wait for it reports as not written). */
  private inWrite = 0;
  private appended = new Map<string, AppendedSeries>();
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private readonly enabled: boolean;
  private readonly bufferMax: number;
  private readonly dropped: Counter;
  private readonly written: Counter;
  private readonly failures: RateLimitedLog;

  constructor(
    @Inject(DATASTREAM_HISTORY_REPOSITORY) private readonly repo: DatastreamHistoryRepository,
    private readonly config: GatewayConfig,
    metrics: GatewayMetrics,
    private readonly stopReport: StopReport,
  ) {
    this.enabled = config.HISTORY_ENABLED;
    this.bufferMax = config.HISTORY_BUFFER_MAX;
    this.failures = backgroundErrors(new Logger('history'), stopReport);
    this.dropped = new Counter({
      name: 'gateway_history_rows_dropped_total',
      help: 'Datastream history rows dropped: storage failed until HISTORY_BUFFER_MAX rows waited',
      registers: [metrics.registry],
    });
    this.written = new Counter({
      name: 'gateway_history_rows_written_total',
      help: 'Datastream history rows written to storage',
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => void this.flush(), this.config.WRITE_BEHIND_FLUSH_MS);
    this.timer.unref();
  }

  /** On the ingest path: kept in memory until the next flush. */
  append(orgId: number, deviceId: string, name: string, value: unknown, ts: number): void {
    if (!this.enabled) return;
    if (this.pending.push({ orgId, deviceId, name, ts, value }) > this.bufferMax) this.dropOldest();
  }

  /** Writes what waits in one write, each datastream's values together; on failure they wait for the next. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const batch = this.pending;
      if (batch.length === 0) return;
      this.pending = [];
      const series = bySeries(batch);
      this.inWrite = batch.length;
      try {
        await this.repo.append(series);
      } catch (err) {
        this.pending = batch.concat(this.pending);
        if (this.pending.length > this.bufferMax) this.dropOldest();
        this.failures.error('write', `writing ${batch.length} history rows failed, will retry: ${String(err)}`);
        return;
      } finally {
        this.inWrite = 0;
      }
      this.written.inc(batch.length);
      this.noteAppended(series);
    });
    return this.flushing;
  }

  /** The datastreams written to since the last call, with how many values each (the pruner's count check). */
  takeAppended(): AppendedSeries[] {
    const out = [...this.appended.values()];
    this.appended = new Map();
    return out;
  }

  /** A deleted device: its waiting rows go, then its stored history (after any write in flight). */
  deleteDevice(orgId: number, deviceId: string): Promise<void> {
    this.pending = this.pending.filter((r) => r.deviceId !== deviceId);
    const deleted = this.flushing.then(() => this.repo.deleteDevice(orgId, deviceId));
    this.flushing = deleted.catch((err: unknown) =>
      this.failures.error('delete', `deleting the history of device ${deviceId} failed: ${String(err)}`),
    );
    return this.flushing;
  }

  private noteAppended(series: HistorySeries[]): void {
    for (const s of series) {
      const key = `${s.deviceId}\u0000${s.name}`;
      const seen = this.appended.get(key);
      if (seen) seen.added += s.ts.length;
      else this.appended.set(key, { orgId: s.orgId, deviceId: s.deviceId, name: s.name, added: s.ts.length });
    }
  }

  /** Drops a tenth of the buffer at once (not one row per append), oldest first. */
  private dropOldest(): void {
    const n = Math.max(this.pending.length - this.bufferMax, Math.ceil(this.bufferMax / 10));
    this.pending.splice(0, n);
    this.dropped.inc(n);
    this.failures.warn('drop', `history buffer full (HISTORY_BUFFER_MAX=${this.bufferMax}): dropped ${n} oldest rows`);
  }

  /** Writes what is left within STOP_WAIT_MS; the rest is said in the stop's one-line report. */
  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const done = await within(this.flush(), STOP_WAIT_MS);
    this.stopReport.notWritten('history rows', this.pending.length + (done ? 0 : this.inWrite));
  }
}

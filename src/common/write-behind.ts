import { Logger } from '@nestjs/common';
import { backgroundErrors, RateLimitedLog } from '../observability/rate-limited-log.js';
import { STOP_WAIT_MS, type StopReport } from '../observability/stop-report.js';
import { within } from './within.js';

/**
 * Write-behind for in-memory state: records are marked dirty on the hot path (no I/O there) and saved in
 * one batch per interval. Flushes never overlap; a failed batch is marked dirty again and retried with the
 * next one, unless its records are gone meanwhile (`stillLive`).
 */
export class WriteBehind<T> {
  private readonly failures: RateLimitedLog;
  private dirty = new Set<T>();
  private inWrite = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly what: string,
    private readonly save: (batch: T[]) => Promise<void>,
    private readonly stillLive: (record: T) => boolean,
    private readonly stopReport: StopReport,
  ) {
    this.failures = backgroundErrors(new Logger(`write-behind:${what}`), stopReport);
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  mark(record: T): void {
    this.dirty.add(record);
  }
  has(record: T): boolean {
    return this.dirty.has(record);
  }
  forget(record: T): void {
    this.dirty.delete(record);
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.dirty.size === 0) return;
      const batch = [...this.dirty];
      this.dirty = new Set();
      this.inWrite = batch.length;
      try {
        await this.save(batch);
      } catch (err) {
        for (const r of batch) if (this.stillLive(r)) this.dirty.add(r);
        if (!this.stopped)
          this.failures.error(
            'write',
            `writing ${batch.length} ${this.what} failed, will retry: ${(err as Error).message}`,
          );
      } finally {
        this.inWrite = 0;
      }
    });
    return this.flushing;
  }

  /**
   * Stops the timer and writes what is left, waiting STOP_WAIT_MS at most: what is not written by then (storage
   * unreachable) goes into the stop's one-line report rather than holding the stop.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const done = await within(this.flush(), STOP_WAIT_MS);
    this.stopped = true;
    this.stopReport.notWritten(this.what, this.dirty.size + (done ? 0 : this.inWrite));
  }
}

import { Logger } from '@nestjs/common';

/**
 * Write-behind for in-memory state: records are marked dirty on the hot path (no I/O there) and saved in
 * one batch per interval. Flushes never overlap; a failed batch is marked dirty again and retried with the
 * next one, unless its records are gone meanwhile (`stillLive`).
 */
export class WriteBehind<T> {
  private readonly logger: Logger;
  private dirty = new Set<T>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly what: string,
    private readonly save: (batch: T[]) => Promise<void>,
    private readonly stillLive: (record: T) => boolean = () => true,
  ) {
    this.logger = new Logger(`write-behind:${what}`);
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
      try {
        await this.save(batch);
      } catch (err) {
        for (const r of batch) if (this.stillLive(r)) this.dirty.add(r);
        this.logger.error(`writing ${batch.length} ${this.what} failed, will retry: ${(err as Error).message}`);
      }
    });
    return this.flushing;
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { STORAGE, type StorageDriver } from '../storage/ports.js';
import type { Delivery, DeliveryAttempt } from './delivery.model.js';

/**
 * Writes delivery state changes and attempts, group-committed: everything recorded during one turn of the
 * event loop is one transaction. A failed write is retried with the next batch.
 */
@Injectable()
export class DeliveryLog {
  private readonly logger = new Logger(DeliveryLog.name);
  private deliveries = new Set<Delivery>();
  private attempts: DeliveryAttempt[] = [];
  private scheduled = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(@Inject(STORAGE) private readonly storage: StorageDriver) {}

  save(d: Delivery, attempt?: DeliveryAttempt): void {
    d.updatedAt = Date.now();
    this.deliveries.add(d);
    if (attempt) this.attempts.push(attempt);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  flush(): Promise<void> {
    this.scheduled = false;
    this.writing = this.writing.then(async () => {
      if (this.deliveries.size === 0 && this.attempts.length === 0) return;
      const deliveries = [...this.deliveries];
      const attempts = this.attempts;
      this.deliveries = new Set();
      this.attempts = [];
      try {
        await this.storage.deliveries.saveMany(deliveries, attempts);
      } catch (err) {
        for (const d of deliveries) this.deliveries.add(d);
        this.attempts.unshift(...attempts);
        this.logger.error(`delivery log write failed, will retry: ${(err as Error).message}`);
        if (!this.scheduled) { this.scheduled = true; setTimeout(() => void this.flush(), 1000).unref(); }
      }
    });
    return this.writing;
  }
}

import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config.js';
import { STORAGE, type StorageDriver } from '../storage/ports.js';
import type { TriggerState } from './trigger-state.model.js';

/**
 * Condition state per (webhook, device), in memory and written behind in one batch per flush interval, so a
 * restart resumes thresholds, hysteresis, pending forMs holds and throttle windows where they were.
 */
@Injectable()
export class TriggerStateStore implements OnApplicationShutdown {
  private readonly logger = new Logger(TriggerStateStore.name);
  private readonly states = new Map<string, TriggerState>();
  private readonly dirty = new Set<TriggerState>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(@Inject(STORAGE) private readonly storage: StorageDriver, private readonly config: GatewayConfig) {}

  async load(): Promise<TriggerState[]> {
    const all = await this.storage.triggerStates.all();
    for (const s of all) this.states.set(`${s.webhookId}|${s.deviceId}`, s);
    this.timer = setInterval(() => void this.flush(), this.config.PRESENCE_FLUSH_MS);
    this.timer.unref();
    return all;
  }

  get(webhookId: number, deviceId: string): TriggerState {
    const k = `${webhookId}|${deviceId}`;
    let s = this.states.get(k);
    if (!s) this.states.set(k, (s = { webhookId, deviceId, active: false, lastValue: undefined, holdingSince: null, lastFiredAt: null }));
    return s;
  }

  touch(s: TriggerState): void { this.dirty.add(s); }

  /** A webhook's conditions changed or it was deleted: its states start afresh. */
  forget(webhookId: number): void {
    for (const [k, s] of this.states) {
      if (s.webhookId === webhookId) { this.states.delete(k); this.dirty.delete(s); }
    }
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.dirty.size === 0) return;
      const batch = [...this.dirty];
      this.dirty.clear();
      try {
        await this.storage.triggerStates.saveMany(batch.map((s) => ({ ...s, lastValue: s.lastValue ?? null })));
      } catch (err) {
        for (const s of batch) this.dirty.add(s);
        this.logger.error(`trigger state write-behind failed, will retry: ${(err as Error).message}`);
      }
    });
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}

import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { WriteBehind } from '../common/write-behind.js';
import { GatewayConfig } from '../config/gateway-config.js';
import type { TriggerState } from './trigger-state.model.js';
import { TRIGGER_STATE_REPOSITORY, type TriggerStateRepository } from './trigger-state.repository.js';
import { StopReport } from '../observability/stop-report.js';

/**
 * Condition state per (webhook, device), in memory and written behind in one batch per flush interval, so a
 * restart resumes thresholds, hysteresis, pending forMs holds and throttle windows where they were.
 */
@Injectable()
export class TriggerStateStore implements OnApplicationShutdown {
  private readonly logger = new Logger(TriggerStateStore.name);
  private readonly states = new Map<string, TriggerState>();
  private readonly dirty: WriteBehind<TriggerState>;

  constructor(
    @Inject(TRIGGER_STATE_REPOSITORY) private readonly repository: TriggerStateRepository,
    private readonly config: GatewayConfig,
    stopReport: StopReport,
  ) {
    this.dirty = new WriteBehind(
      'trigger states',
      (batch) => repository.saveMany(batch.map((s) => ({ ...s, lastValue: s.lastValue ?? null }))),
      (s) => this.states.get(`${s.webhookId}|${s.deviceId}`) === s,
      stopReport,
    );
  }

  async load(): Promise<TriggerState[]> {
    const all = await this.repository.all();
    for (const s of all) this.states.set(`${s.webhookId}|${s.deviceId}`, s);
    this.dirty.start(this.config.WRITE_BEHIND_FLUSH_MS);
    return all;
  }

  get(webhookId: number, deviceId: string): TriggerState {
    const k = `${webhookId}|${deviceId}`;
    let s = this.states.get(k);
    if (!s)
      this.states.set(
        k,
        (s = { webhookId, deviceId, active: false, lastValue: undefined, holdingSince: null, lastFiredAt: null }),
      );
    return s;
  }

  touch(s: TriggerState): void {
    this.dirty.mark(s);
  }

  /** A webhook's conditions changed or it was deleted: its states start afresh, in memory and in storage. */
  forget(webhookId: number): void {
    for (const [k, s] of this.states) {
      if (s.webhookId === webhookId) {
        this.states.delete(k);
        this.dirty.forget(s);
      }
    }
    this.repository
      .deleteForWebhook(webhookId)
      .catch((err: Error) => this.logger.error(`dropping trigger state of webhook ${webhookId}: ${err.message}`));
  }

  flush(): Promise<void> {
    return this.dirty.flush();
  }

  onApplicationShutdown(): Promise<void> {
    return this.dirty.stop();
  }
}

import type { TriggerState } from '../../triggers/trigger-state.model.js';
import type { TriggerStateRepository } from '../../triggers/trigger-state.repository.js';
import type { AnyModel } from './model.js';
import type { BulkWrites } from './bulk-writes.js';

export class MongoTriggerStateRepository implements TriggerStateRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly bulk: BulkWrites,
  ) {}
  async all(): Promise<TriggerState[]> {
    return (await this.m.find().lean()).map((o) => o.doc as TriggerState);
  }
  async saveMany(states: TriggerState[]): Promise<void> {
    if (states.length === 0) return;
    await this.bulk.write(
      this.m,
      states.map((s) => ({
        replaceOne: {
          filter: { _id: `${s.webhookId}:${s.deviceId}` },
          replacement: { webhookId: s.webhookId, doc: s },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
  async deleteForWebhook(webhookId: number): Promise<void> {
    await this.m.deleteMany({ webhookId });
  }
}

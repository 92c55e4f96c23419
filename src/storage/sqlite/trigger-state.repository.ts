import type Database from 'better-sqlite3';
import type { TriggerState } from '../../triggers/trigger-state.model.js';
import type { TriggerStateRepository } from '../../triggers/trigger-state.repository.js';
import { parseDocs } from './unique.js';

export class SqliteTriggerStateRepository implements TriggerStateRepository {
  private readonly saveTx: (states: TriggerState[]) => void;
  constructor(private readonly db: Database.Database) {
    const put = db.prepare('INSERT OR REPLACE INTO trigger_states (webhook_id, device_id, doc) VALUES (?, ?, ?)');
    this.saveTx = db.transaction((states: TriggerState[]) => {
      for (const s of states) put.run(s.webhookId, s.deviceId, JSON.stringify(s));
    });
  }
  async all(): Promise<TriggerState[]> {
    return parseDocs(this.db.prepare('SELECT doc FROM trigger_states').all());
  }
  async saveMany(states: TriggerState[]): Promise<void> {
    this.saveTx(states);
  }
  async deleteForWebhook(webhookId: number): Promise<void> {
    this.db.prepare('DELETE FROM trigger_states WHERE webhook_id = ?').run(webhookId);
  }
}

import type Database from 'better-sqlite3';
import type { Webhook, WebhookStatus } from '../../webhooks/webhook.model.js';
import {
  restFields,
  type RestWrites,
  type WebhookCounterDelta,
  type WebhookRepository,
} from '../../webhooks/webhook.repository.js';
import { parseDocs, unique } from './unique.js';

export class SqliteWebhookRepository implements WebhookRepository {
  private readonly incrementTx: (deltas: WebhookCounterDelta[]) => void;

  constructor(private readonly db: Database.Database) {
    // One statement per delta: the counters change inside SQLite (json_set), not read-modify-write in JS.
    const inc = db.prepare(`UPDATE webhooks SET doc = json_set(doc,
        '$.attemptCount', json_extract(doc, '$.attemptCount') + @attempts,
        '$.failureCount', CASE WHEN @reset THEN 0 ELSE json_extract(doc, '$.failureCount') END + @failures,
        '$.lastTriggeredTs', CASE WHEN @ts IS NOT NULL AND (json_extract(doc, '$.lastTriggeredTs') IS NULL
          OR json_extract(doc, '$.lastTriggeredTs') < @ts) THEN @ts ELSE json_extract(doc, '$.lastTriggeredTs') END)
      WHERE id = @id`);
    this.incrementTx = db.transaction((deltas: WebhookCounterDelta[]) => {
      for (const d of deltas) {
        inc.run({
          id: d.id,
          attempts: d.attemptCount,
          reset: d.resetFailures ? 1 : 0,
          failures: d.failureCount,
          ts: d.lastTriggeredTs,
        });
      }
    });
  }

  async create(w: Omit<Webhook, 'id'>): Promise<Webhook> {
    return unique('name', () =>
      this.db.transaction(() => {
        const r = this.db
          .prepare('INSERT INTO webhooks (org_id, name, doc) VALUES (?, ?, ?)')
          .run(w.orgId, w.name, '{}');
        const webhook = { ...w, id: Number(r.lastInsertRowid) };
        this.db.prepare('UPDATE webhooks SET doc = ? WHERE id = ?').run(JSON.stringify(webhook), webhook.id);
        return webhook;
      })(),
    );
  }

  async findById(orgId: number, id: number): Promise<Webhook | null> {
    return (
      parseDocs<Webhook>(this.db.prepare('SELECT doc FROM webhooks WHERE org_id = ? AND id = ?').all(orgId, id))[0] ??
      null
    );
  }

  async list(orgId: number): Promise<Webhook[]> {
    return parseDocs(this.db.prepare('SELECT doc FROM webhooks WHERE org_id = ? ORDER BY id').all(orgId));
  }

  async update(w: Webhook, writes: RestWrites): Promise<void> {
    // Read and write in one transaction (not json_patch: a merge patch deletes the fields set to null).
    unique('name', () =>
      this.db.transaction(() => {
        const row = this.db.prepare('SELECT doc FROM webhooks WHERE org_id = ? AND id = ?').get(w.orgId, w.id) as
          { doc: string } | undefined;
        if (!row) return;
        const doc = { ...(JSON.parse(row.doc) as Webhook), ...restFields(w, writes) };
        this.db.prepare('UPDATE webhooks SET name = ?, doc = ? WHERE id = ?').run(w.name, JSON.stringify(doc), w.id);
      })(),
    );
  }

  async delete(orgId: number, id: number): Promise<boolean> {
    return this.db.prepare('DELETE FROM webhooks WHERE org_id = ? AND id = ?').run(orgId, id).changes > 0;
  }

  async all(): Promise<Webhook[]> {
    return parseDocs(this.db.prepare('SELECT doc FROM webhooks ORDER BY id').all());
  }

  async increment(deltas: WebhookCounterDelta[]): Promise<void> {
    this.incrementTx(deltas);
  }

  async setStatusIf(id: number, from: WebhookStatus, to: WebhookStatus): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE webhooks SET doc = json_set(doc, '$.status', ?) WHERE id = ? AND json_extract(doc, '$.status') = ?`,
        )
        .run(to, id, from).changes > 0
    );
  }
}

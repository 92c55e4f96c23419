import type Database from 'better-sqlite3';
import type { Webhook } from '../../webhooks/webhook.model.js';
import type { WebhookRepository } from '../../webhooks/webhook.repository.js';
import { parseDocs, unique } from './unique.js';

export class SqliteWebhookRepository implements WebhookRepository {
  private readonly saveTx: (webhooks: Webhook[]) => void;

  constructor(private readonly db: Database.Database) {
    const put = db.prepare('UPDATE webhooks SET doc = ? WHERE id = ?');
    this.saveTx = db.transaction((webhooks: Webhook[]) => {
      for (const w of webhooks) put.run(JSON.stringify(w), w.id);
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

  async update(w: Webhook): Promise<void> {
    unique('name', () =>
      this.db
        .prepare('UPDATE webhooks SET name = ?, doc = ? WHERE org_id = ? AND id = ?')
        .run(w.name, JSON.stringify(w), w.orgId, w.id),
    );
  }

  async delete(orgId: number, id: number): Promise<boolean> {
    return this.db.prepare('DELETE FROM webhooks WHERE org_id = ? AND id = ?').run(orgId, id).changes > 0;
  }

  async all(): Promise<Webhook[]> {
    return parseDocs(this.db.prepare('SELECT doc FROM webhooks ORDER BY id').all());
  }

  async saveMany(webhooks: Webhook[]): Promise<void> {
    this.saveTx(webhooks);
  }
}

import type Database from 'better-sqlite3';
import type { InboundWebhook } from '../../inbound/inbound-webhook.model.js';
import type { InboundWebhookRepository } from '../../inbound/inbound-webhook.repository.js';
import { parseDocs } from './unique.js';

export class SqliteInboundWebhookRepository implements InboundWebhookRepository {
  constructor(private readonly db: Database.Database) {}
  async create(w: InboundWebhook): Promise<InboundWebhook> {
    this.db
      .prepare('INSERT INTO inbound_webhooks (id, org_id, token, doc) VALUES (?, ?, ?, ?)')
      .run(w.id, w.orgId, w.token, JSON.stringify(w));
    return w;
  }
  async list(orgId: number): Promise<InboundWebhook[]> {
    return parseDocs(this.db.prepare('SELECT doc FROM inbound_webhooks WHERE org_id = ?').all(orgId));
  }
  async findById(orgId: number, id: string): Promise<InboundWebhook | null> {
    return (
      parseDocs<InboundWebhook>(
        this.db.prepare('SELECT doc FROM inbound_webhooks WHERE org_id = ? AND id = ?').all(orgId, id),
      )[0] ?? null
    );
  }
  async findByToken(token: string): Promise<InboundWebhook | null> {
    return (
      parseDocs<InboundWebhook>(this.db.prepare('SELECT doc FROM inbound_webhooks WHERE token = ?').all(token))[0] ??
      null
    );
  }
  async update(w: InboundWebhook): Promise<void> {
    this.db
      .prepare('UPDATE inbound_webhooks SET doc = ? WHERE org_id = ? AND id = ?')
      .run(JSON.stringify(w), w.orgId, w.id);
  }
  async delete(orgId: number, id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM inbound_webhooks WHERE org_id = ? AND id = ?').run(orgId, id).changes > 0;
  }
}

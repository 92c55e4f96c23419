import type Database from 'better-sqlite3';
import type { Delivery, DeliveryAttempt, DeliveryQuery, NewDelivery } from '../../delivery/delivery.model.js';
import type { TriggerState } from '../../triggers/trigger-state.model.js';
import type { DeliveryRepository, Notification, NotificationRepository, TriggerStateRepository } from '../ports.js';

const parse = <T>(rows: unknown[]): T[] => (rows as { doc: string }[]).map((r) => JSON.parse(r.doc) as T);

/** The outbox: statements prepared once; every write of one call is one transaction (group commit). */
export class SqliteDeliveries implements DeliveryRepository {
  private readonly insertTx: (rows: NewDelivery[]) => Delivery[];
  private readonly saveTx: (deliveries: Delivery[], attempts: DeliveryAttempt[]) => void;

  constructor(private readonly db: Database.Database) {
    const insert = db.prepare('INSERT INTO deliveries (org_id, webhook_id, status, created_at, updated_at, doc) VALUES (?, ?, ?, ?, ?, \'\')');
    const setDoc = db.prepare('UPDATE deliveries SET status = ?, updated_at = ?, doc = ? WHERE id = ?');
    const putAttempt = db.prepare('INSERT OR REPLACE INTO delivery_attempts (delivery_id, n, doc) VALUES (?, ?, ?)');
    this.insertTx = db.transaction((rows: NewDelivery[]) => rows.map((row) => {
      const id = Number(insert.run(row.orgId, row.webhookId, row.status, row.createdAt, row.updatedAt).lastInsertRowid);
      const d = { ...row, id };
      setDoc.run(d.status, d.updatedAt, JSON.stringify(d), id);
      return d;
    }));
    this.saveTx = db.transaction((deliveries: Delivery[], attempts: DeliveryAttempt[]) => {
      for (const d of deliveries) setDoc.run(d.status, d.updatedAt, JSON.stringify(d), d.id);
      for (const a of attempts) putAttempt.run(a.deliveryId, a.n, JSON.stringify(a));
    });
  }

  async insertMany(rows: NewDelivery[]): Promise<Delivery[]> { return this.insertTx(rows); }

  async saveMany(deliveries: Delivery[], attempts: DeliveryAttempt[]): Promise<void> { this.saveTx(deliveries, attempts); }

  async unfinished(): Promise<Delivery[]> {
    return parse(this.db.prepare("SELECT doc FROM deliveries WHERE status IN ('pending', 'held') ORDER BY id").all());
  }

  async find(orgId: number, webhookId: number, q: DeliveryQuery): Promise<{ items: Delivery[]; total: number }> {
    const where = ['org_id = ?', 'webhook_id = ?'];
    const args: unknown[] = [orgId, webhookId];
    if (q.status) { where.push('status = ?'); args.push(q.status); }
    if (q.since !== undefined) { where.push('created_at >= ?'); args.push(q.since); }
    const sql = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) n FROM deliveries WHERE ${sql}`).get(...args) as { n: number }).n;
    const items = parse<Delivery>(this.db.prepare(`SELECT doc FROM deliveries WHERE ${sql} ORDER BY id DESC LIMIT ? OFFSET ?`)
      .all(...args, q.size, q.page * q.size));
    return { items, total };
  }

  async findById(orgId: number, webhookId: number, id: number): Promise<Delivery | null> {
    return parse<Delivery>(this.db.prepare('SELECT doc FROM deliveries WHERE org_id = ? AND webhook_id = ? AND id = ?').all(orgId, webhookId, id))[0] ?? null;
  }

  async attempts(deliveryId: number): Promise<DeliveryAttempt[]> {
    return parse(this.db.prepare('SELECT doc FROM delivery_attempts WHERE delivery_id = ? ORDER BY n').all(deliveryId));
  }

  async prune(ts: number): Promise<number> {
    return this.db.transaction(() => {
      const finished = "status IN ('delivered', 'failed', 'dropped') AND updated_at < ?";
      this.db.prepare(`DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE ${finished})`).run(ts);
      return this.db.prepare(`DELETE FROM deliveries WHERE ${finished}`).run(ts).changes;
    })();
  }
}

export class SqliteTriggerStates implements TriggerStateRepository {
  private readonly saveTx: (states: TriggerState[]) => void;
  constructor(private readonly db: Database.Database) {
    const put = db.prepare('INSERT OR REPLACE INTO trigger_states (webhook_id, device_id, doc) VALUES (?, ?, ?)');
    this.saveTx = db.transaction((states: TriggerState[]) => {
      for (const s of states) put.run(s.webhookId, s.deviceId, JSON.stringify(s));
    });
  }
  async all(): Promise<TriggerState[]> { return parse(this.db.prepare('SELECT doc FROM trigger_states').all()); }
  async saveMany(states: TriggerState[]): Promise<void> { this.saveTx(states); }
  async deleteForWebhook(webhookId: number): Promise<void> {
    this.db.prepare('DELETE FROM trigger_states WHERE webhook_id = ?').run(webhookId);
  }
}

export class SqliteNotifications implements NotificationRepository {
  constructor(private readonly db: Database.Database) {}
  async create(n: Omit<Notification, 'id'>): Promise<Notification> {
    return this.db.transaction(() => {
      const id = Number(this.db.prepare('INSERT INTO notifications (org_id, user_id, created_at, doc) VALUES (?, ?, ?, \'\')')
        .run(n.orgId, n.userId, n.createdAt).lastInsertRowid);
      const saved = { ...n, id };
      this.db.prepare('UPDATE notifications SET doc = ? WHERE id = ?').run(JSON.stringify(saved), id);
      return saved;
    })();
  }
  async listForUser(orgId: number, userId: number): Promise<Notification[]> {
    return parse(this.db.prepare('SELECT doc FROM notifications WHERE org_id = ? AND user_id = ? ORDER BY id DESC LIMIT 200').all(orgId, userId));
  }
}

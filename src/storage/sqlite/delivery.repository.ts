import type Database from 'better-sqlite3';
import type { Delivery, DeliveryAttempt, DeliveryQuery, NewDelivery } from '../../delivery/delivery.model.js';
import type { DeliveryRepository } from '../../delivery/delivery.repository.js';
import type { Row } from './unique.js';

const toDelivery = (r: Row): Delivery => ({
  id: r.id as number,
  orgId: r.org_id as number,
  webhookId: r.webhook_id as number,
  messageId: r.message_id as string,
  event: r.event as string,
  deviceId: r.device_id as string,
  request: JSON.parse(r.request as string) as Delivery['request'],
  status: r.status as Delivery['status'],
  attempts: r.attempts as number,
  roundStart: r.round_start as number,
  nextAttemptAt: r.next_attempt_at as number | null,
  lastStatusCode: r.last_status_code as number | null,
  lastError: r.last_error as string | null,
  dropReason: r.drop_reason as string | null,
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
});

const toAttempt = (r: Row): DeliveryAttempt => ({
  deliveryId: r.delivery_id as number,
  n: r.n as number,
  ts: r.ts as number,
  durationMs: r.duration_ms as number,
  statusCode: r.status_code as number | null,
  response: r.response as string,
  error: r.error as string | null,
  nextRetryAt: r.next_retry_at as number | null,
});

/** The outbox: statements prepared once; every write of one call is one transaction (group commit). */
export class SqliteDeliveryRepository implements DeliveryRepository {
  private readonly insertTx: (rows: NewDelivery[]) => Delivery[];
  private readonly saveTx: (deliveries: Delivery[], attempts: DeliveryAttempt[]) => void;

  constructor(private readonly db: Database.Database) {
    const insert =
      db.prepare(`INSERT INTO deliveries (org_id, webhook_id, message_id, event, device_id, request, status, attempts, round_start,
      next_attempt_at, last_status_code, last_error, drop_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const update =
      db.prepare(`UPDATE deliveries SET status = ?, attempts = ?, round_start = ?, next_attempt_at = ?, last_status_code = ?,
      last_error = ?, drop_reason = ?, updated_at = ? WHERE id = ?`);
    const putAttempt =
      db.prepare(`INSERT OR REPLACE INTO delivery_attempts (delivery_id, n, ts, duration_ms, status_code, response, error, next_retry_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertTx = db.transaction((rows: NewDelivery[]) =>
      rows.map((d) => {
        const r = insert.run(
          d.orgId,
          d.webhookId,
          d.messageId,
          d.event,
          d.deviceId,
          JSON.stringify(d.request),
          d.status,
          d.attempts,
          d.roundStart,
          d.nextAttemptAt,
          d.lastStatusCode,
          d.lastError,
          d.dropReason,
          d.createdAt,
          d.updatedAt,
        );
        return { ...d, id: Number(r.lastInsertRowid) };
      }),
    );
    this.saveTx = db.transaction((deliveries: Delivery[], attempts: DeliveryAttempt[]) => {
      for (const d of deliveries)
        update.run(
          d.status,
          d.attempts,
          d.roundStart,
          d.nextAttemptAt,
          d.lastStatusCode,
          d.lastError,
          d.dropReason,
          d.updatedAt,
          d.id,
        );
      for (const a of attempts)
        putAttempt.run(a.deliveryId, a.n, a.ts, a.durationMs, a.statusCode, a.response, a.error, a.nextRetryAt);
    });
  }

  async insertMany(rows: NewDelivery[]): Promise<Delivery[]> {
    return this.insertTx(rows);
  }

  async saveMany(deliveries: Delivery[], attempts: DeliveryAttempt[]): Promise<void> {
    this.saveTx(deliveries, attempts);
  }

  async unfinished(): Promise<Delivery[]> {
    return (
      this.db.prepare("SELECT * FROM deliveries WHERE status IN ('pending', 'held') ORDER BY id").all() as Row[]
    ).map(toDelivery);
  }

  async find(orgId: number, webhookId: number, q: DeliveryQuery): Promise<{ items: Delivery[]; total: number }> {
    const where = ['org_id = ?', 'webhook_id = ?'];
    const args: unknown[] = [orgId, webhookId];
    if (q.status) {
      where.push('status = ?');
      args.push(q.status);
    }
    if (q.since !== undefined) {
      where.push('created_at >= ?');
      args.push(q.since);
    }
    const sql = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) n FROM deliveries WHERE ${sql}`).get(...args) as { n: number }).n;
    const items = (
      this.db
        .prepare(`SELECT * FROM deliveries WHERE ${sql} ORDER BY id DESC LIMIT ? OFFSET ?`)
        .all(...args, q.size, q.page * q.size) as Row[]
    ).map(toDelivery);
    return { items, total };
  }

  async findById(orgId: number, webhookId: number, id: number): Promise<Delivery | null> {
    const r = this.db
      .prepare('SELECT * FROM deliveries WHERE org_id = ? AND webhook_id = ? AND id = ?')
      .get(orgId, webhookId, id) as Row | undefined;
    return r ? toDelivery(r) : null;
  }

  async attempts(deliveryId: number): Promise<DeliveryAttempt[]> {
    return (
      this.db.prepare('SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY n').all(deliveryId) as Row[]
    ).map(toAttempt);
  }

  async prune(ts: number): Promise<number> {
    return this.db.transaction(() => {
      const finished = "status IN ('delivered', 'failed', 'dropped') AND updated_at < ?";
      this.db
        .prepare(`DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE ${finished})`)
        .run(ts);
      return this.db.prepare(`DELETE FROM deliveries WHERE ${finished}`).run(ts).changes;
    })();
  }
}

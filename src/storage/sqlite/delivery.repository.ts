import type Database from 'better-sqlite3';
import type {
  Delivery,
  DeliveryAttempt,
  DeliveryPageQuery,
  DeliveryQuery,
  NewDelivery,
  UnfinishedCount,
} from '../../delivery/delivery.model.js';
import type { DeliveryRepository } from '../../delivery/delivery.repository.js';
import { attemptsByRow, loggedAttempts } from './attempt-log.js';
import type { Row } from './unique.js';

const PRUNE_BATCH = 1000;
const FINISHED = "status IN ('delivered', 'failed', 'dropped') AND updated_at < ?";

const toDelivery = (r: Row): Delivery => ({
  id: r.id as number,
  orgId: r.org_id as number,
  webhookId: r.webhook_id as number,
  messageId: r.message_id as string,
  event: r.event as string,
  deviceId: r.device_id as string,
  matched: r.matched ? (JSON.parse(r.matched as string) as Delivery['matched']) : null,
  request: JSON.parse(r.request as string) as Delivery['request'],
  renderedAt: r.rendered_at as number | null,
  renderedFor: r.rendered_for as number | null,
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

const PAGE_COLUMNS = `id, org_id, webhook_id, message_id, event, device_id, matched, request, rendered_at, rendered_for,
  status, attempts, round_start, next_attempt_at, last_status_code, last_error, drop_reason, created_at, updated_at`;
const fromColumns = (c: unknown[]): Delivery => ({
  id: c[0] as number,
  orgId: c[1] as number,
  webhookId: c[2] as number,
  messageId: c[3] as string,
  event: c[4] as string,
  deviceId: c[5] as string,
  matched: c[6] ? (JSON.parse(c[6] as string) as Delivery['matched']) : null,
  request: c[7] === 'null' ? null : (JSON.parse(c[7] as string) as Delivery['request']),
  renderedAt: c[8] as number | null,
  renderedFor: c[9] as number | null,
  status: c[10] as Delivery['status'],
  attempts: c[11] as number,
  roundStart: c[12] as number,
  nextAttemptAt: c[13] as number | null,
  lastStatusCode: c[14] as number | null,
  lastError: c[15] as string | null,
  dropReason: c[16] as string | null,
  createdAt: c[17] as number,
  updatedAt: c[18] as number,
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
  ...(r.response_headers
    ? { responseHeaders: JSON.parse(r.response_headers as string) as DeliveryAttempt['responseHeaders'] }
    : {}),
});

/** The outbox: statements prepared once; every write of one call is one transaction (group commit). */
export class SqliteDeliveryRepository implements DeliveryRepository {
  private readonly insertTx: (rows: NewDelivery[]) => Delivery[];
  private readonly saveTx: (deliveries: Delivery[], attempts: DeliveryAttempt[]) => void;
  private readonly pruneBatch: (ts: number) => { selected: number; deleted: number };
  private readonly page: Database.Statement;

  constructor(private readonly db: Database.Database) {
    const insert =
      db.prepare(`INSERT INTO deliveries (org_id, webhook_id, message_id, event, device_id, matched, request,
      rendered_at, rendered_for, status, attempts, round_start, next_attempt_at, last_status_code, last_error, drop_reason,
      created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // The row's state and its new attempts (null: none) in one statement: appended to attempt_log.
    const update = db.prepare(`UPDATE deliveries SET status = ?, attempts = ?, round_start = ?, next_attempt_at = ?,
      last_status_code = ?, last_error = ?, drop_reason = ?, rendered_at = ?, rendered_for = ?, updated_at = ?,
      attempt_log = coalesce(attempt_log || ',' || ?, attempt_log, ?) WHERE id = ?`);
    const putAttempt =
      db.prepare(`INSERT OR REPLACE INTO delivery_attempts (delivery_id, n, ts, duration_ms, status_code, response, error, next_retry_at,
      response_headers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // Rows as arrays (no per-row object keyed by column name): paging runs while the dispatcher is busy.
    this.page = db
      .prepare(
        `SELECT ${PAGE_COLUMNS} FROM deliveries WHERE webhook_id = ? AND status = ? AND id > ? ORDER BY id LIMIT ?`,
      )
      .raw(true);
    this.insertTx = db.transaction((rows: NewDelivery[]) =>
      rows.map((d) => {
        const r = insert.run(
          d.orgId,
          d.webhookId,
          d.messageId,
          d.event,
          d.deviceId,
          d.matched ? JSON.stringify(d.matched) : null,
          JSON.stringify(d.request),
          d.renderedAt,
          d.renderedFor,
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
      const byRow = attemptsByRow(deliveries, attempts);
      for (const d of deliveries) {
        const added = byRow.joined.get(d.id) ?? null;
        update.run(
          d.status,
          d.attempts,
          d.roundStart,
          d.nextAttemptAt,
          d.lastStatusCode,
          d.lastError,
          d.dropReason,
          d.renderedAt,
          d.renderedFor,
          d.updatedAt,
          added,
          added,
          d.id,
        );
      }
      for (const a of byRow.apart)
        putAttempt.run(
          a.deliveryId,
          a.n,
          a.ts,
          a.durationMs,
          a.statusCode,
          a.response,
          a.error,
          a.nextRetryAt,
          a.responseHeaders ? JSON.stringify(a.responseHeaders) : null,
        );
    });
    // One batch per transaction, so the database is never locked for the whole prune; the status is checked
    // by the deletes themselves (a row replayed since the last batch is not finished any more, and stays).
    const batchIds = db.prepare(`SELECT id FROM deliveries WHERE ${FINISHED} ORDER BY id LIMIT ${PRUNE_BATCH}`);
    const delAttempts = db.prepare(
      `DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT value FROM json_each(?))
       AND delivery_id IN (SELECT id FROM deliveries WHERE id IN (SELECT value FROM json_each(?)) AND ${FINISHED})`,
    );
    const delRows = db.prepare(`DELETE FROM deliveries WHERE id IN (SELECT value FROM json_each(?)) AND ${FINISHED}`);
    this.pruneBatch = db.transaction((ts: number) => {
      const rows = batchIds.all(ts) as Row[];
      const ids = JSON.stringify(rows.map((r) => r.id));
      delAttempts.run(ids, ids, ts);
      return { selected: rows.length, deleted: delRows.run(ids, ts).changes };
    });
  }

  /** One transaction: a failing row rolls back the rows before it. */
  async insertMany(rows: NewDelivery[]): Promise<Delivery[]> {
    return this.insertTx(rows);
  }

  async saveMany(deliveries: Delivery[], attempts: DeliveryAttempt[]): Promise<void> {
    this.saveTx(deliveries, attempts);
  }

  async unfinishedCounts(): Promise<UnfinishedCount[]> {
    return this.db
      .prepare(
        "SELECT webhook_id webhookId, status, count(*) n FROM deliveries WHERE status IN ('pending', 'held') GROUP BY webhook_id, status",
      )
      .all() as UnfinishedCount[];
  }

  /** The first `limit` ids of both statuses: one index range each, merged. */
  async unfinishedPage(webhookId: number, afterId: number, limit: number): Promise<Delivery[]> {
    const pending = this.page.all(webhookId, 'pending', afterId, limit) as unknown[][];
    const held = this.page.all(webhookId, 'held', afterId, limit) as unknown[][];
    const rows =
      held.length === 0 ? pending : [...pending, ...held].sort((a, b) => (a[0] as number) - (b[0] as number));
    return rows.slice(0, limit).map(fromColumns);
  }

  async unfinished(): Promise<Delivery[]> {
    const rows = this.db
      .prepare(`SELECT ${PAGE_COLUMNS} FROM deliveries WHERE status IN ('pending', 'held') ORDER BY id`)
      .raw(true)
      .all() as unknown[][];
    return rows.map(fromColumns);
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
    // Searches run inside one webhook's log (its index range), bounded by DELIVERY_RETENTION_DAYS: no index of
    // their own, which every insert would pay for.
    for (const [column, value] of [
      ['device_id', q.deviceId],
      ['message_id', q.messageId],
      ['event', q.event],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      args.push(value);
    }
    const sql = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) n FROM deliveries WHERE ${sql}`).get(...args) as { n: number }).n;
    const items = (
      this.db
        .prepare(`SELECT ${PAGE_COLUMNS} FROM deliveries WHERE ${sql} ORDER BY id DESC LIMIT ? OFFSET ?`)
        .all(...args, q.size, q.page * q.size) as Row[]
    ).map(toDelivery);
    return { items, total };
  }

  async findPage(orgId: number, webhookId: number, q: DeliveryPageQuery): Promise<Delivery[]> {
    return (
      this.db
        .prepare(
          `SELECT ${PAGE_COLUMNS} FROM deliveries WHERE org_id = ? AND webhook_id = ? AND status = ? AND created_at >= ? AND id < ?
           ORDER BY id DESC LIMIT ?`,
        )
        .all(orgId, webhookId, q.status, q.since, q.beforeId ?? Number.MAX_SAFE_INTEGER, q.limit) as Row[]
    ).map(toDelivery);
  }

  async findById(orgId: number, webhookId: number, id: number): Promise<Delivery | null> {
    const r = this.db
      .prepare(`SELECT ${PAGE_COLUMNS} FROM deliveries WHERE org_id = ? AND webhook_id = ? AND id = ?`)
      .get(orgId, webhookId, id) as Row | undefined;
    return r ? toDelivery(r) : null;
  }

  /** The row's own attempts and those in delivery_attempts (rows written before, or saved apart). */
  async attempts(deliveryId: number): Promise<DeliveryAttempt[]> {
    const apart = this.db.prepare('SELECT * FROM delivery_attempts WHERE delivery_id = ?').all(deliveryId) as Row[];
    const own = this.db.prepare('SELECT attempt_log FROM deliveries WHERE id = ?').get(deliveryId) as Row | undefined;
    const byN = new Map<number, DeliveryAttempt>();
    for (const r of apart) byN.set(r.n as number, toAttempt(r));
    for (const a of loggedAttempts(deliveryId, (own?.attempt_log as string | null) ?? null)) byN.set(a.n, a);
    return [...byN.values()].sort((a, b) => a.n - b.n);
  }

  async prune(ts: number): Promise<number> {
    let total = 0;
    for (;;) {
      const { selected, deleted } = this.pruneBatch(ts);
      total += deleted;
      if (selected < PRUNE_BATCH) return total;
      await new Promise((r) => setImmediate(r)); // the event loop runs between batches
    }
  }
}

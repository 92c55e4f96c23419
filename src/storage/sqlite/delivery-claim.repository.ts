import type Database from 'better-sqlite3';
import type { DeliveryClaim, DeliveryClaimRepository } from '../../delivery/delivery-claim.repository.js';

const COLUMNS = `delivery_id AS deliveryId, fence, org_id AS orgId, webhook_id AS webhookId, owner, expires_at AS expiresAt`;

/**
 * Claims in SQLite: one database file serves one instance, so the gateway does not use them there; the table
 * exists so both drivers keep one contract. Created here, idempotently, rather than as a numbered migration:
 * nothing else refers to it.
 */
export class SqliteDeliveryClaimRepository implements DeliveryClaimRepository {
  private readonly insertTx: (claims: DeliveryClaim[]) => DeliveryClaim[];

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS delivery_claims (delivery_id INTEGER NOT NULL, fence INTEGER NOT NULL,
        org_id INTEGER NOT NULL, webhook_id INTEGER NOT NULL, owner TEXT NOT NULL, expires_at INTEGER NOT NULL,
        PRIMARY KEY (delivery_id, fence));
      CREATE INDEX IF NOT EXISTS delivery_claims_expiry ON delivery_claims (expires_at);
      CREATE INDEX IF NOT EXISTS delivery_claims_owner ON delivery_claims (owner);`);
    const put = db.prepare(`INSERT OR IGNORE INTO delivery_claims VALUES
      (@deliveryId, @fence, @orgId, @webhookId, @owner, @expiresAt)`);
    this.insertTx = db.transaction((claims: DeliveryClaim[]) => claims.filter((c) => put.run(c).changes > 0));
  }

  async insert(claims: DeliveryClaim[]): Promise<DeliveryClaim[]> {
    return this.insertTx(claims);
  }

  async ofDeliveries(ids: number[]): Promise<DeliveryClaim[]> {
    if (ids.length === 0) return [];
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM delivery_claims WHERE delivery_id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(ids)) as DeliveryClaim[];
  }

  async expiredBefore(ts: number, limit: number): Promise<DeliveryClaim[]> {
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM delivery_claims WHERE expires_at < ? ORDER BY expires_at LIMIT ?`)
      .all(ts, limit) as DeliveryClaim[];
  }

  async ownedBy(owner: string): Promise<DeliveryClaim[]> {
    return this.db.prepare(`SELECT ${COLUMNS} FROM delivery_claims WHERE owner = ?`).all(owner) as DeliveryClaim[];
  }

  async extend(owner: string, expiresAt: number): Promise<void> {
    this.db.prepare('UPDATE delivery_claims SET expires_at = ? WHERE owner = ?').run(expiresAt, owner);
  }

  async remove(claims: Pick<DeliveryClaim, 'deliveryId' | 'fence'>[]): Promise<void> {
    const del = this.db.prepare('DELETE FROM delivery_claims WHERE delivery_id = ? AND fence <= ?');
    this.db.transaction(() => claims.forEach((c) => del.run(c.deliveryId, c.fence)))();
  }
}

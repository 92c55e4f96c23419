import type Database from 'better-sqlite3';
import type { DeliveryClaim, DeliveryClaimRepository } from '../../delivery/delivery-claim.repository.js';

const COLUMNS = `delivery_id AS deliveryId, fence, org_id AS orgId, webhook_id AS webhookId, owner`;

/**
 * Claims in SQLite: one database file serves one instance, so the gateway does not use them there; the tables
 * exist so both drivers keep one contract. Created here, idempotently, rather than as a numbered migration:
 * nothing else refers to them.
 */
export class SqliteDeliveryClaimRepository implements DeliveryClaimRepository {
  private readonly insertTx: (claims: DeliveryClaim[]) => DeliveryClaim[];

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS delivery_claims (delivery_id INTEGER NOT NULL, fence INTEGER NOT NULL,
        org_id INTEGER NOT NULL, webhook_id INTEGER NOT NULL, owner TEXT NOT NULL, PRIMARY KEY (delivery_id, fence));
      CREATE INDEX IF NOT EXISTS delivery_claims_owner ON delivery_claims (owner);
      CREATE TABLE IF NOT EXISTS instance_leases (owner TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);`);
    const put = db.prepare(`INSERT OR IGNORE INTO delivery_claims VALUES
      (@deliveryId, @fence, @orgId, @webhookId, @owner)`);
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

  async ownedBy(owners: string[], limit: number): Promise<DeliveryClaim[]> {
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM delivery_claims WHERE owner IN (SELECT value FROM json_each(?)) LIMIT ?`)
      .all(JSON.stringify(owners), limit) as DeliveryClaim[];
  }

  async remove(claims: Pick<DeliveryClaim, 'deliveryId' | 'fence'>[]): Promise<void> {
    const del = this.db.prepare('DELETE FROM delivery_claims WHERE delivery_id = ? AND fence <= ?');
    this.db.transaction(() => claims.forEach((c) => del.run(c.deliveryId, c.fence)))();
  }

  async renewLease(owner: string, expiresAt: number): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO instance_leases (owner, expires_at) VALUES (?, ?) ON CONFLICT (owner) DO UPDATE SET expires_at = excluded.expires_at',
      )
      .run(owner, expiresAt);
  }

  async leases(): Promise<Map<string, number>> {
    const rows = this.db.prepare('SELECT owner, expires_at AS expiresAt FROM instance_leases').all() as {
      owner: string;
      expiresAt: number;
    }[];
    return new Map(rows.map((r) => [r.owner, r.expiresAt]));
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS, openDatabase } from '../src/storage/sqlite/database.js';
import { openSqlite } from '../src/storage/sqlite/sqlite.driver.js';

const tables = (db: ReturnType<typeof openDatabase>) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);

/** SQLite serves one instance: the claim tables an earlier release created, unused, are dropped; the rest kept. */
describe('sqlite without delivery claims', () => {
  it('drops the claim tables of an earlier database and keeps its data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-claims-'));
    try {
      const drop = MIGRATIONS.findIndex((m) => m.includes('DROP TABLE IF EXISTS delivery_claims'));
      const old = openDatabase(join(dir, 'gateway.db'), drop);
      // What the earlier SQLite claim repository created on every open.
      old.exec(`CREATE TABLE delivery_claims (delivery_id INTEGER NOT NULL, fence INTEGER NOT NULL,
          org_id INTEGER NOT NULL, webhook_id INTEGER NOT NULL, owner TEXT NOT NULL, PRIMARY KEY (delivery_id, fence));
        CREATE INDEX delivery_claims_owner ON delivery_claims (owner);
        CREATE TABLE instance_leases (owner TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
        INSERT INTO delivery_claims VALUES (1, 1, 1, 1, 'a');
        INSERT INTO organizations (name, created_at) VALUES ('kept', 1);`);
      old.close();

      const s = openSqlite(dir);
      try {
        expect(s.deliveryClaims).toBeUndefined();
        expect((await s.organizations.all()).map((o) => o.name)).toEqual(['kept']);
      } finally {
        await s.close();
      }
      const db = openDatabase(join(dir, 'gateway.db'));
      try {
        expect(tables(db)).not.toContain('delivery_claims');
        expect(tables(db)).not.toContain('instance_leases');
        expect(tables(db)).toEqual(expect.arrayContaining(['deliveries', 'organizations']));
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens a new database without them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-claims-'));
    try {
      await openSqlite(dir).close();
      const db = openDatabase(join(dir, 'gateway.db'));
      expect(tables(db).filter((t) => t === 'delivery_claims' || t === 'instance_leases')).toEqual([]);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

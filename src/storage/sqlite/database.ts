import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

// Schema migrations, applied in order; PRAGMA user_version records how many ran.
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE organizations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, org_id INTEGER NOT NULL REFERENCES organizations(id),
     email TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL, UNIQUE (org_id, email));
   CREATE TABLE api_tokens (id INTEGER PRIMARY KEY AUTOINCREMENT, org_id INTEGER NOT NULL REFERENCES organizations(id),
     name TEXT NOT NULL, scopes TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
   CREATE TABLE devices (id TEXT PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organizations(id), doc TEXT NOT NULL);
   CREATE INDEX devices_org ON devices (org_id);
   CREATE TABLE agents (id TEXT PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organizations(id), doc TEXT NOT NULL);`,
  `CREATE TABLE webhooks (id INTEGER PRIMARY KEY AUTOINCREMENT, org_id INTEGER NOT NULL REFERENCES organizations(id),
     name TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (org_id, name));`,
  // Deliveries keep their changing state in columns: the dispatcher updates them without re-encoding the request.
  `CREATE TABLE deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, org_id INTEGER NOT NULL, webhook_id INTEGER NOT NULL,
     message_id TEXT NOT NULL, event TEXT NOT NULL, device_id TEXT NOT NULL, request TEXT NOT NULL,
     status TEXT NOT NULL, attempts INTEGER NOT NULL, round_start INTEGER NOT NULL, next_attempt_at INTEGER,
     last_status_code INTEGER, last_error TEXT, drop_reason TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
   CREATE INDEX deliveries_webhook ON deliveries (webhook_id, status, created_at);
   CREATE INDEX deliveries_status ON deliveries (status, updated_at);
   CREATE TABLE delivery_attempts (delivery_id INTEGER NOT NULL, n INTEGER NOT NULL, ts INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
     status_code INTEGER, response TEXT NOT NULL, error TEXT, next_retry_at INTEGER, PRIMARY KEY (delivery_id, n));
   CREATE TABLE trigger_states (webhook_id INTEGER NOT NULL, device_id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (webhook_id, device_id));
   CREATE TABLE notifications (id INTEGER PRIMARY KEY AUTOINCREMENT, org_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
     created_at INTEGER NOT NULL, doc TEXT NOT NULL);
   CREATE INDEX notifications_user ON notifications (org_id, user_id, created_at);`,
  `CREATE TABLE inbound_webhooks (id TEXT PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organizations(id), token TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);
   CREATE INDEX inbound_webhooks_org ON inbound_webhooks (org_id);`,
  // Sub-organizations (Blynk's orgId) and device templates (Blynk's products).
  `ALTER TABLE organizations ADD COLUMN parent_id INTEGER REFERENCES organizations(id);
   CREATE TABLE templates (id TEXT PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES organizations(id), doc TEXT NOT NULL);
   CREATE INDEX templates_org ON templates (org_id);`,
  // Deliveries follow their webhook: the matched event is kept and rendered per attempt (`request` stays for
  // rows written before, as 'null' in new ones). (webhook_id, status, id) serves the REST list by status,
  // replay-since and the dispatcher's paging (one id range per status). Measured: a partial index on unfinished
  // rows cost ~0.8 us per insert and per status change, a unique index on message_id ~10 us per insert.
  `ALTER TABLE deliveries ADD COLUMN matched TEXT;
   ALTER TABLE deliveries ADD COLUMN rendered_at INTEGER;
   ALTER TABLE deliveries ADD COLUMN rendered_for INTEGER;
   DROP INDEX deliveries_webhook;
   CREATE INDEX deliveries_webhook ON deliveries (webhook_id, status, id);`,
  // Template ids are unique per organization (were global: a 409 told who used an id elsewhere).
  `CREATE TABLE templates_by_org (org_id INTEGER NOT NULL REFERENCES organizations(id), id TEXT NOT NULL,
     doc TEXT NOT NULL, PRIMARY KEY (org_id, id));
   INSERT INTO templates_by_org (org_id, id, doc) SELECT org_id, id, doc FROM templates;
   DROP TABLE templates;
   ALTER TABLE templates_by_org RENAME TO templates;`,
  // Each attempt keeps its response's headers (bounded, JSON); the delivery log shows them.
  `ALTER TABLE delivery_attempts ADD COLUMN response_headers TEXT;`,
  // Datastream history (devices/history/): chunks of up to 1,000 values of one datastream (storage/history-chunks.ts).
  // (device_id, name, last_ts) serves the REST window and the count prune, (org_id, last_ts) the age prune.
  `CREATE TABLE datastream_history (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL, device_id TEXT NOT NULL,
     name TEXT NOT NULL, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL, n INTEGER NOT NULL, points TEXT NOT NULL);
   CREATE INDEX datastream_history_key ON datastream_history (device_id, name, last_ts);
   CREATE INDEX datastream_history_age ON datastream_history (org_id, last_ts);
   CREATE TABLE history_retention (org_id INTEGER PRIMARY KEY, retention_days INTEGER, max_points INTEGER);`,
  // Delivery claims and instance leases serve several instances on one database (MongoDB only): the tables an
  // earlier release created here, unused, are dropped.
  `DROP TABLE IF EXISTS delivery_claims;
   DROP TABLE IF EXISTS instance_leases;`,
  // A delivery's attempts in its own row (JSON arrays joined by ',', appended by the row's state
  // update): one row written per attempt, not two. Last column, so reads that leave it out never touch its
  // overflow pages. delivery_attempts keeps the attempts of rows written before.
  `ALTER TABLE deliveries ADD COLUMN attempt_log TEXT;`,
];

/** `upTo`: how many migrations to run (all by default; a test builds an earlier release's schema with fewer). */
export function openDatabase(file: string, upTo = MIGRATIONS.length): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode is durable across process crashes; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db, upTo);
  return db;
}

function migrate(db: Database.Database, upTo: number): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < upTo; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

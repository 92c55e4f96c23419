import type Database from 'better-sqlite3';
import { openDatabase } from './database.js';
import {
  type Agent,
  type AgentRepository,
  type ApiToken,
  type ApiTokenRepository,
  type Device,
  type DeviceRepository,
  DuplicateKeyError,
  type Organization,
  type OrganizationRepository,
  type StorageDriver,
  type User,
  type UserRepository,
  type WebhookRepository,
} from '../ports.js';
import type { Webhook } from '../../webhooks/webhook.model.js';
import {
  SqliteDeliveries,
  SqliteInboundWebhooks,
  SqliteNotifications,
  SqliteTriggerStates,
} from './delivery.repositories.js';

type Row = Record<string, unknown>;

function unique<T>(key: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (
      (err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT_UNIQUE') ||
      (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
    )
      throw new DuplicateKeyError(key);
    throw err;
  }
}

class SqliteOrganizations implements OrganizationRepository {
  constructor(private readonly db: Database.Database) {}
  async create(name: string): Promise<Organization> {
    const createdAt = Date.now();
    const r = this.db.prepare('INSERT INTO organizations (name, created_at) VALUES (?, ?)').run(name, createdAt);
    return { id: Number(r.lastInsertRowid), name, createdAt };
  }
  async findById(id: number): Promise<Organization | null> {
    const r = this.db.prepare('SELECT id, name, created_at FROM organizations WHERE id = ?').get(id) as Row | undefined;
    return r ? { id: r.id as number, name: r.name as string, createdAt: r.created_at as number } : null;
  }
  async count(): Promise<number> {
    return (this.db.prepare('SELECT count(*) n FROM organizations').get() as { n: number }).n;
  }
}

const toUser = (r: Row): User => ({
  id: r.id as number,
  orgId: r.org_id as number,
  email: r.email as string,
  name: r.name as string,
  createdAt: r.created_at as number,
});

class SqliteUsers implements UserRepository {
  constructor(private readonly db: Database.Database) {}
  async create(u: Omit<User, 'id' | 'createdAt'>): Promise<User> {
    const createdAt = Date.now();
    const r = unique('email', () =>
      this.db
        .prepare('INSERT INTO users (org_id, email, name, created_at) VALUES (?, ?, ?, ?)')
        .run(u.orgId, u.email, u.name, createdAt),
    );
    return { ...u, id: Number(r.lastInsertRowid), createdAt };
  }
  async list(orgId: number): Promise<User[]> {
    return (this.db.prepare('SELECT * FROM users WHERE org_id = ? ORDER BY id').all(orgId) as Row[]).map(toUser);
  }
  async findById(orgId: number, id: number): Promise<User | null> {
    const r = this.db.prepare('SELECT * FROM users WHERE org_id = ? AND id = ?').get(orgId, id) as Row | undefined;
    return r ? toUser(r) : null;
  }
  async update(orgId: number, id: number, patch: Partial<Pick<User, 'email' | 'name'>>): Promise<User | null> {
    const current = await this.findById(orgId, id);
    if (!current) return null;
    const next = { ...current, ...patch };
    unique('email', () =>
      this.db
        .prepare('UPDATE users SET email = ?, name = ? WHERE org_id = ? AND id = ?')
        .run(next.email, next.name, orgId, id),
    );
    return next;
  }
  async delete(orgId: number, id: number): Promise<boolean> {
    return this.db.prepare('DELETE FROM users WHERE org_id = ? AND id = ?').run(orgId, id).changes > 0;
  }
}

const toToken = (r: Row): ApiToken => ({
  id: r.id as number,
  orgId: r.org_id as number,
  name: r.name as string,
  scopes: JSON.parse(r.scopes as string) as string[],
  tokenHash: r.token_hash as string,
  createdAt: r.created_at as number,
});

class SqliteTokens implements ApiTokenRepository {
  constructor(private readonly db: Database.Database) {}
  async create(t: Omit<ApiToken, 'id' | 'createdAt'>): Promise<ApiToken> {
    const createdAt = Date.now();
    const r = this.db
      .prepare('INSERT INTO api_tokens (org_id, name, scopes, token_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(t.orgId, t.name, JSON.stringify(t.scopes), t.tokenHash, createdAt);
    return { ...t, id: Number(r.lastInsertRowid), createdAt };
  }
  async findByHash(hash: string): Promise<ApiToken | null> {
    const r = this.db.prepare('SELECT * FROM api_tokens WHERE token_hash = ?').get(hash) as Row | undefined;
    return r ? toToken(r) : null;
  }
  async list(orgId: number): Promise<ApiToken[]> {
    return (this.db.prepare('SELECT * FROM api_tokens WHERE org_id = ? ORDER BY id').all(orgId) as Row[]).map(toToken);
  }
  async delete(orgId: number, id: number): Promise<boolean> {
    return this.db.prepare('DELETE FROM api_tokens WHERE org_id = ? AND id = ?').run(orgId, id).changes > 0;
  }
}

/** Devices and agents are stored as JSON documents keyed by id: the registry reads them all at start. */
class SqliteDocuments<T extends { id: string; orgId: number }> {
  constructor(
    protected readonly db: Database.Database,
    private readonly table: 'devices' | 'agents',
  ) {}
  async create(doc: T): Promise<T> {
    unique('id', () =>
      this.db
        .prepare(`INSERT INTO ${this.table} (id, org_id, doc) VALUES (?, ?, ?)`)
        .run(doc.id, doc.orgId, JSON.stringify(doc)),
    );
    return doc;
  }
  async all(): Promise<T[]> {
    return (this.db.prepare(`SELECT doc FROM ${this.table}`).all() as { doc: string }[]).map(
      (r) => JSON.parse(r.doc) as T,
    );
  }
  async update(doc: T): Promise<void> {
    this.db.prepare(`UPDATE ${this.table} SET doc = ? WHERE id = ?`).run(JSON.stringify(doc), doc.id);
  }
  async delete(id: string): Promise<boolean> {
    return this.db.prepare(`DELETE FROM ${this.table} WHERE id = ?`).run(id).changes > 0;
  }
}

class SqliteDevices extends SqliteDocuments<Device> implements DeviceRepository {
  private readonly updateDoc = this.db.prepare('UPDATE devices SET doc = ? WHERE id = ?');
  private readonly batch = this.db.transaction((devices: Device[]) => {
    for (const d of devices) this.updateDoc.run(JSON.stringify(d), d.id);
  });
  constructor(db: Database.Database) {
    super(db, 'devices');
  }
  async saveMany(devices: Device[]): Promise<void> {
    this.batch(devices);
  }
}

class SqliteWebhooks implements WebhookRepository {
  constructor(private readonly db: Database.Database) {}
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
    const r = this.db.prepare('SELECT doc FROM webhooks WHERE org_id = ? AND id = ?').get(orgId, id) as
      { doc: string } | undefined;
    return r ? (JSON.parse(r.doc) as Webhook) : null;
  }
  async list(orgId: number): Promise<Webhook[]> {
    return (
      this.db.prepare('SELECT doc FROM webhooks WHERE org_id = ? ORDER BY id').all(orgId) as { doc: string }[]
    ).map((r) => JSON.parse(r.doc) as Webhook);
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
    return (this.db.prepare('SELECT doc FROM webhooks ORDER BY id').all() as { doc: string }[]).map(
      (r) => JSON.parse(r.doc) as Webhook,
    );
  }
  async saveMany(webhooks: Webhook[]): Promise<void> {
    const stmt = this.db.prepare('UPDATE webhooks SET doc = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const w of webhooks) stmt.run(JSON.stringify(w), w.id);
    })();
  }
}

export class SqliteDriver implements StorageDriver {
  readonly name = 'sqlite' as const;
  readonly organizations: SqliteOrganizations;
  readonly users: SqliteUsers;
  readonly tokens: SqliteTokens;
  readonly devices: SqliteDevices;
  readonly agents: SqliteDocuments<Agent> & AgentRepository;
  readonly webhooks: SqliteWebhooks;
  readonly deliveries: SqliteDeliveries;
  readonly triggerStates: SqliteTriggerStates;
  readonly notifications: SqliteNotifications;
  readonly inboundWebhooks: SqliteInboundWebhooks;
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openDatabase(file);
    this.organizations = new SqliteOrganizations(this.db);
    this.users = new SqliteUsers(this.db);
    this.tokens = new SqliteTokens(this.db);
    this.devices = new SqliteDevices(this.db);
    this.agents = new SqliteDocuments<Agent>(this.db, 'agents');
    this.webhooks = new SqliteWebhooks(this.db);
    this.deliveries = new SqliteDeliveries(this.db);
    this.triggerStates = new SqliteTriggerStates(this.db);
    this.notifications = new SqliteNotifications(this.db);
    this.inboundWebhooks = new SqliteInboundWebhooks(this.db);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

import { join } from 'node:path';
import type { GatewayMeta, StorageDriver } from '../storage-driver.js';
import { SqliteAgentRepository } from './agent.repository.js';
import { SqliteApiTokenRepository } from './api-token.repository.js';
import type Database from 'better-sqlite3';
import { openDatabase } from './database.js';
import { SqliteDeliveryRepository } from './delivery.repository.js';
import { SqliteDeviceRepository } from './device.repository.js';
import { SqliteHistoryRepository } from './history.repository.js';
import { SqliteInboundWebhookRepository } from './inbound-webhook.repository.js';
import { SqliteNotificationRepository } from './notification.repository.js';
import { SqliteOrganizationRepository } from './organization.repository.js';
import { SqliteTemplateRepository } from './template.repository.js';
import { SqliteTriggerStateRepository } from './trigger-state.repository.js';
import { SqliteUserRepository } from './user.repository.js';
import { SqliteWebhookRepository } from './webhook.repository.js';

/** The embedded default: one SQLite file (WAL) under DATA_DIR, every repository on one connection. */
export function openSqlite(dataDir: string): StorageDriver {
  const db = openDatabase(join(dataDir, 'gateway.db'));
  return {
    name: 'sqlite',
    organizations: new SqliteOrganizationRepository(db),
    users: new SqliteUserRepository(db),
    tokens: new SqliteApiTokenRepository(db),
    devices: new SqliteDeviceRepository(db),
    agents: new SqliteAgentRepository(db),
    webhooks: new SqliteWebhookRepository(db),
    deliveries: new SqliteDeliveryRepository(db),
    triggerStates: new SqliteTriggerStateRepository(db),
    notifications: new SqliteNotificationRepository(db),
    inboundWebhooks: new SqliteInboundWebhookRepository(db),
    templates: new SqliteTemplateRepository(db),
    history: new SqliteHistoryRepository(db),
    meta: sqliteMeta(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      db.close();
    },
  };
}

/** `gateway_meta`, created here rather than by a migration: it is the driver's own, not the domain's. */
function sqliteMeta(db: Database.Database): GatewayMeta {
  db.exec('CREATE TABLE IF NOT EXISTS gateway_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const get = db.prepare<[string], { value: string }>('SELECT value FROM gateway_meta WHERE name = ?');
  const insert = db.prepare('INSERT OR IGNORE INTO gateway_meta (name, value) VALUES (?, ?)');
  const put = db.prepare(
    'INSERT INTO gateway_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
  );
  return {
    async get(name) {
      return get.get(name)?.value ?? null;
    },
    async putIfAbsent(name, value) {
      insert.run(name, value);
      return get.get(name)!.value;
    },
    async put(name, value) {
      put.run(name, value);
    },
  };
}

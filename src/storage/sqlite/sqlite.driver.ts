import { join } from 'node:path';
import type { StorageDriver } from '../storage-driver.js';
import { SqliteAgentRepository } from './agent.repository.js';
import { SqliteApiTokenRepository } from './api-token.repository.js';
import { openDatabase } from './database.js';
import { SqliteDeliveryClaimRepository } from './delivery-claim.repository.js';
import { SqliteDeliveryRepository } from './delivery.repository.js';
import { SqliteDeviceRepository } from './device.repository.js';
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
    deliveryClaims: new SqliteDeliveryClaimRepository(db),
    triggerStates: new SqliteTriggerStateRepository(db),
    notifications: new SqliteNotificationRepository(db),
    inboundWebhooks: new SqliteInboundWebhookRepository(db),
    templates: new SqliteTemplateRepository(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      db.close();
    },
  };
}

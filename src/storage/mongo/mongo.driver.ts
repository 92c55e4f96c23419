import mongoose, { type Schema } from 'mongoose';
import type { StorageDriver } from '../storage-driver.js';
import { MongoAgentRepository } from './agent.repository.js';
import { MongoApiTokenRepository } from './api-token.repository.js';
import { MongoDeliveryRepository } from './delivery.repository.js';
import { MongoDeviceRepository } from './device.repository.js';
import { Ids } from './ids.js';
import { MongoInboundWebhookRepository } from './inbound-webhook.repository.js';
import type { AnyModel } from './model.js';
import { MongoNotificationRepository } from './notification.repository.js';
import { MongoOrganizationRepository } from './organization.repository.js';
import * as schemas from './schemas.js';
import { MongoTemplateRepository } from './template.repository.js';
import { MongoTriggerStateRepository } from './trigger-state.repository.js';
import { MongoUserRepository } from './user.repository.js';
import { MongoWebhookRepository } from './webhook.repository.js';

/** MONGODB_URI: one collection per repository, the domain object stored as is, `_id` hidden from callers. */
export async function openMongo(uri: string): Promise<StorageDriver> {
  const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
  const model = (name: string, schema: Schema, collection: string) =>
    conn.model(name, schema, collection) as unknown as AnyModel;
  const ids = new Ids(model('Counter', schemas.Counter, 'counters'));
  const driver: StorageDriver = {
    name: 'mongo',
    organizations: new MongoOrganizationRepository(model('Organization', schemas.Org, 'organizations'), ids),
    users: new MongoUserRepository(model('User', schemas.UserS, 'users'), ids),
    tokens: new MongoApiTokenRepository(model('ApiToken', schemas.Token, 'api_tokens'), ids),
    devices: new MongoDeviceRepository(model('Device', schemas.Doc, 'devices')),
    agents: new MongoAgentRepository(model('Agent', schemas.Doc, 'agents')),
    webhooks: new MongoWebhookRepository(model('Webhook', schemas.WebhookS, 'webhooks'), ids),
    deliveries: new MongoDeliveryRepository(
      model('Delivery', schemas.DeliveryS, 'deliveries'),
      model('DeliveryAttempt', schemas.AttemptS, 'delivery_attempts'),
      ids,
    ),
    triggerStates: new MongoTriggerStateRepository(model('TriggerState', schemas.StateS, 'trigger_states')),
    notifications: new MongoNotificationRepository(model('Notification', schemas.NotificationS, 'notifications'), ids),
    inboundWebhooks: new MongoInboundWebhookRepository(model('InboundWebhook', schemas.InboundS, 'inbound_webhooks')),
    templates: new MongoTemplateRepository(model('Template', schemas.Doc, 'templates')),
    async ping() {
      await conn.db!.admin().ping();
    },
    async close() {
      await conn.close();
    },
  };
  await Promise.all(Object.values(conn.models).map((m) => m.syncIndexes()));
  return driver;
}

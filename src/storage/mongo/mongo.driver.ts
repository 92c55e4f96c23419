import mongoose, { type Connection, type Schema } from 'mongoose';
import type { DeliveryClaimRepository } from '../../delivery/delivery-claim.repository.js';
import type { GatewayMeta, StorageDriver } from '../storage-driver.js';
import { MongoAgentRepository } from './agent.repository.js';
import { MongoApiTokenRepository } from './api-token.repository.js';
import { BulkWrites } from './bulk-writes.js';
import { MongoChangeLog } from './change-log.js';
import { MongoConnectionLedgerRepository } from './connection-ledger.repository.js';
import { MongoDeliveryClaimRepository } from './delivery-claim.repository.js';
import { MongoDeliveryRepository } from './delivery.repository.js';
import { MongoDeviceRepository } from './device.repository.js';
import { MongoHistoryRepository } from './history.repository.js';
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

/**
 * How every write is acknowledged and encoded:
 * - `{w: 'majority', j: true}`: a write is acknowledged once it is journaled on a majority, so a PUBACK sent
 *   after the outbox commit follows a durable write (on a single node too: MongoDB's default `j` follows
 *   `writeConcernMajorityJournalDefault`, which a standalone ignores). FerretDB accepts and ignores it (its
 *   SQLite backend commits each write before answering).
 * - `ignoreUndefined`: an `undefined` field is left out, as JSON.stringify does for SQLite, instead of becoming
 *   `null` (which turned an absent optional field into a present one after a restart).
 * - `autoIndex: false`: indexes are created once, below, by createIndexes.
 */
export const MONGO_CONNECTION_OPTIONS = {
  serverSelectionTimeoutMS: 5000,
  writeConcern: { w: 'majority' as const, j: true },
  ignoreUndefined: true,
  autoIndex: false,
};

/** The mongo driver, with its connection for the cluster features (change log, claims) built on it. */
export interface MongoStorageDriver extends StorageDriver {
  readonly connection: Connection;
  readonly deliveryClaims: DeliveryClaimRepository;
}

/** MONGODB_URI: one collection per repository, the domain object stored as is, `_id` hidden from callers. */
export async function openMongo(uri: string, instanceId = 'single'): Promise<MongoStorageDriver> {
  const conn = await mongoose.createConnection(uri, MONGO_CONNECTION_OPTIONS).asPromise();
  const model = (name: string, schema: Schema, collection: string) =>
    conn.model(name, schema, collection) as unknown as AnyModel;
  const bulk = new BulkWrites();
  const changes = new MongoChangeLog(model('Change', schemas.ChangeS, 'changes'), instanceId);
  const leases = model('InstanceLease', schemas.LeaseS, 'instance_leases');
  const devices = model('Device', schemas.Doc, 'devices');
  const templates = new MongoTemplateRepository(model('Template', schemas.TemplateS, 'templates'));
  const history = new MongoHistoryRepository(conn.db!);
  const ids = new Ids(model('IdBlock', schemas.IdBlock, 'id_blocks'), model('Counter', schemas.Counter, 'counters'));
  const webhooks = new MongoWebhookRepository(
    model('Webhook', schemas.WebhookS, 'webhooks'),
    model('WebhookHealth', schemas.WebhookHealthS, 'webhook_health'),
    ids,
    changes,
    bulk,
  );
  const driver: MongoStorageDriver = {
    name: 'mongo',
    connection: conn,
    organizations: new MongoOrganizationRepository(model('Organization', schemas.Org, 'organizations'), ids),
    users: new MongoUserRepository(model('User', schemas.UserS, 'users'), ids),
    tokens: new MongoApiTokenRepository(model('ApiToken', schemas.Token, 'api_tokens'), ids, changes),
    devices: new MongoDeviceRepository(
      devices,
      model('DeviceRuntime', schemas.RuntimeS, 'device_runtime'),
      changes,
      'device',
      bulk,
    ),
    agents: new MongoAgentRepository(model('Agent', schemas.Doc, 'agents'), changes, 'agent'),
    webhooks,
    changeLog: changes,
    deliveries: new MongoDeliveryRepository(
      model('Delivery', schemas.DeliveryS, 'deliveries'),
      model('DeliveryAttempt', schemas.AttemptS, 'delivery_attempts'),
      ids,
      bulk,
    ),
    deliveryClaims: new MongoDeliveryClaimRepository(model('DeliveryClaim', schemas.ClaimS, 'delivery_claims'), leases),
    connections: new MongoConnectionLedgerRepository(
      model('Connection', schemas.ConnectionS, 'connections'),
      leases,
      model('PresenceTransition', schemas.TransitionS, 'presence_transitions'),
      changes,
    ),
    triggerStates: new MongoTriggerStateRepository(model('TriggerState', schemas.StateS, 'trigger_states'), bulk),
    notifications: new MongoNotificationRepository(model('Notification', schemas.NotificationS, 'notifications'), ids),
    inboundWebhooks: new MongoInboundWebhookRepository(model('InboundWebhook', schemas.InboundS, 'inbound_webhooks')),
    templates,
    history,
    meta: mongoMeta(conn),
    async ping() {
      await conn.db!.admin().ping();
    },
    async close() {
      await conn.close();
    },
  };
  await templates.migrate(); // before its unique index, which rows without `id` would break
  await webhooks.migrate();
  // createIndexes, not syncIndexes: an index an operator added by hand is kept (syncIndexes drops every index
  // the schema does not declare, at every start).
  await Promise.all(Object.values(conn.models).map((m) => m.createIndexes()));
  await history.init();
  return driver;
}

/** `gateway_meta`: `{_id: name, value}`; the first writer of a name wins by a unique insert. */
function mongoMeta(conn: Connection): GatewayMeta {
  const c = conn.db!.collection<{ _id: string; value: string }>('gateway_meta');
  const get = async (name: string) => (await c.findOne({ _id: name }))?.value ?? null;
  return {
    get,
    async putIfAbsent(name, value) {
      try {
        await c.insertOne({ _id: name, value });
        return value;
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        return (await get(name))!;
      }
    },
    async put(name, value) {
      await c.updateOne({ _id: name }, { $set: { value } }, { upsert: true });
    },
  };
}

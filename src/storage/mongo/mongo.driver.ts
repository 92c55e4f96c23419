import mongoose, { type Connection, type Model, Schema } from 'mongoose';
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
  type DeliveryRepository,
  type TriggerStateRepository,
  type NotificationRepository,
  type InboundWebhookRepository,
} from '../ports.js';
import type { Webhook } from '../../webhooks/webhook.model.js';
import {
  MongoDeliveries,
  MongoInboundWebhooks,
  MongoNotifications,
  MongoTriggerStates,
} from './delivery.repositories.js';

// Thin by design: one collection per port, the domain object stored as is, `_id` hidden from callers.
const opts = { versionKey: false, minimize: false } as const;
const Counter = new Schema({ _id: String, seq: Number }, opts);
const Org = new Schema({ _id: Number, name: String, createdAt: Number }, opts);
const UserS = new Schema(
  { _id: Number, orgId: { type: Number, index: true }, email: String, name: String, createdAt: Number },
  opts,
);
UserS.index({ orgId: 1, email: 1 }, { unique: true });
const Token = new Schema(
  {
    _id: Number,
    orgId: { type: Number, index: true },
    name: String,
    scopes: [String],
    tokenHash: { type: String, unique: true },
    createdAt: Number,
  },
  opts,
);
const WebhookS = new Schema({ _id: Number, orgId: Number, name: String, doc: Schema.Types.Mixed }, opts);
WebhookS.index({ orgId: 1, name: 1 }, { unique: true });
const DeliveryS = new Schema(
  {
    _id: Number,
    orgId: Number,
    webhookId: Number,
    status: String,
    createdAt: Number,
    updatedAt: Number,
    doc: Schema.Types.Mixed,
  },
  opts,
);
DeliveryS.index({ webhookId: 1, status: 1, createdAt: 1 });
DeliveryS.index({ status: 1, updatedAt: 1 });
const AttemptS = new Schema(
  { _id: String, deliveryId: { type: Number, index: true }, n: Number, doc: Schema.Types.Mixed },
  opts,
);
const StateS = new Schema({ _id: String, webhookId: { type: Number, index: true }, doc: Schema.Types.Mixed }, opts);
const NotificationS = new Schema(
  { _id: Number, orgId: Number, userId: Number, createdAt: Number, doc: Schema.Types.Mixed },
  opts,
);
NotificationS.index({ orgId: 1, userId: 1, createdAt: -1 });
const InboundS = new Schema(
  { _id: String, orgId: { type: Number, index: true }, token: { type: String, unique: true }, doc: Schema.Types.Mixed },
  opts,
);
const Doc = new Schema({ _id: String, orgId: { type: Number, index: true }, doc: Schema.Types.Mixed }, opts);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- documents are typed by the ports, not by mongoose
export type AnyModel = Model<any>;
const isDuplicate = (err: unknown): boolean => (err as { code?: number }).code === 11000;
const strip = <T>(o: Record<string, unknown> | null): T | null => {
  if (!o) return null;
  const { _id, ...rest } = o;
  return { id: _id, ...rest } as T;
};

export class Ids {
  constructor(private readonly counters: AnyModel) {}
  async next(name: string): Promise<number> {
    return this.reserve(name, 1);
  }
  /** Reserves `n` consecutive ids; returns the first. */
  async reserve(name: string, n: number): Promise<number> {
    const r = await this.counters
      .findOneAndUpdate({ _id: name }, { $inc: { seq: n } }, { upsert: true, new: true })
      .lean();
    return r!.seq - n + 1;
  }
}

class MongoOrganizations implements OrganizationRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly ids: Ids,
  ) {}
  async create(name: string): Promise<Organization> {
    const o = { _id: await this.ids.next('organizations'), name, createdAt: Date.now() };
    await this.m.create(o);
    return strip<Organization>(o)!;
  }
  async findById(id: number) {
    return strip<Organization>(await this.m.findById(id).lean());
  }
  async count() {
    return this.m.countDocuments();
  }
}

class MongoUsers implements UserRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly ids: Ids,
  ) {}
  async create(u: Omit<User, 'id' | 'createdAt'>): Promise<User> {
    const o = { _id: await this.ids.next('users'), ...u, createdAt: Date.now() };
    try {
      await this.m.create(o);
    } catch (e) {
      if (isDuplicate(e)) throw new DuplicateKeyError('email');
      throw e;
    }
    return strip<User>(o)!;
  }
  async list(orgId: number) {
    return (await this.m.find({ orgId }).sort({ _id: 1 }).lean()).map((o) => strip<User>(o)!);
  }
  async findById(orgId: number, id: number) {
    return strip<User>(await this.m.findOne({ _id: id, orgId }).lean());
  }
  async update(orgId: number, id: number, patch: Partial<Pick<User, 'email' | 'name'>>) {
    try {
      return strip<User>(await this.m.findOneAndUpdate({ _id: id, orgId }, { $set: patch }, { new: true }).lean());
    } catch (e) {
      if (isDuplicate(e)) throw new DuplicateKeyError('email');
      throw e;
    }
  }
  async delete(orgId: number, id: number) {
    return (await this.m.deleteOne({ _id: id, orgId })).deletedCount > 0;
  }
}

class MongoTokens implements ApiTokenRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly ids: Ids,
  ) {}
  async create(t: Omit<ApiToken, 'id' | 'createdAt'>): Promise<ApiToken> {
    const o = { _id: await this.ids.next('api_tokens'), ...t, createdAt: Date.now() };
    await this.m.create(o);
    return strip<ApiToken>(o)!;
  }
  async findByHash(tokenHash: string) {
    return strip<ApiToken>(await this.m.findOne({ tokenHash }).lean());
  }
  async list(orgId: number) {
    return (await this.m.find({ orgId }).sort({ _id: 1 }).lean()).map((o) => strip<ApiToken>(o)!);
  }
  async delete(orgId: number, id: number) {
    return (await this.m.deleteOne({ _id: id, orgId })).deletedCount > 0;
  }
}

class MongoDocuments<T extends { id: string; orgId: number }> {
  constructor(protected readonly m: AnyModel) {}
  async create(doc: T): Promise<T> {
    try {
      await this.m.create({ _id: doc.id, orgId: doc.orgId, doc });
    } catch (e) {
      if (isDuplicate(e)) throw new DuplicateKeyError('id');
      throw e;
    }
    return doc;
  }
  async all(): Promise<T[]> {
    return (await this.m.find().lean()).map((o) => o.doc as T);
  }
  async update(doc: T): Promise<void> {
    await this.m.updateOne({ _id: doc.id }, { $set: { doc } });
  }
  async delete(id: string): Promise<boolean> {
    return (await this.m.deleteOne({ _id: id })).deletedCount > 0;
  }
}

class MongoDevices extends MongoDocuments<Device> implements DeviceRepository {
  async saveMany(devices: Device[]): Promise<void> {
    if (devices.length === 0) return;
    await this.m.bulkWrite(
      devices.map((d) => ({ updateOne: { filter: { _id: d.id }, update: { $set: { doc: d } } } })),
      { ordered: false },
    );
  }
}

class MongoWebhooks implements WebhookRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly ids: Ids,
  ) {}
  async create(w: Omit<Webhook, 'id'>): Promise<Webhook> {
    const webhook = { ...w, id: await this.ids.next('webhooks') };
    try {
      await this.m.create({ _id: webhook.id, orgId: w.orgId, name: w.name, doc: webhook });
    } catch (e) {
      if (isDuplicate(e)) throw new DuplicateKeyError('name');
      throw e;
    }
    return webhook;
  }
  async findById(orgId: number, id: number) {
    return ((await this.m.findOne({ _id: id, orgId }).lean())?.doc as Webhook) ?? null;
  }
  async list(orgId: number) {
    return (await this.m.find({ orgId }).sort({ _id: 1 }).lean()).map((o) => o.doc as Webhook);
  }
  async update(w: Webhook): Promise<void> {
    try {
      await this.m.updateOne({ _id: w.id, orgId: w.orgId }, { $set: { name: w.name, doc: w } });
    } catch (e) {
      if (isDuplicate(e)) throw new DuplicateKeyError('name');
      throw e;
    }
  }
  async delete(orgId: number, id: number) {
    return (await this.m.deleteOne({ _id: id, orgId })).deletedCount > 0;
  }
  async all() {
    return (await this.m.find().sort({ _id: 1 }).lean()).map((o) => o.doc as Webhook);
  }
  async saveMany(webhooks: Webhook[]): Promise<void> {
    if (webhooks.length === 0) return;
    await this.m.bulkWrite(
      webhooks.map((w) => ({ updateOne: { filter: { _id: w.id }, update: { $set: { doc: w } } } })),
      { ordered: false },
    );
  }
}

export class MongoDriver implements StorageDriver {
  readonly name = 'mongo' as const;
  readonly organizations: OrganizationRepository;
  readonly users: UserRepository;
  readonly tokens: ApiTokenRepository;
  readonly devices: DeviceRepository;
  readonly agents: AgentRepository;
  readonly webhooks: WebhookRepository;
  readonly deliveries: DeliveryRepository;
  readonly triggerStates: TriggerStateRepository;
  readonly notifications: NotificationRepository;
  readonly inboundWebhooks: InboundWebhookRepository;

  private constructor(private readonly conn: Connection) {
    const model = (name: string, schema: Schema, collection: string) =>
      conn.model(name, schema, collection) as unknown as AnyModel;
    const ids = new Ids(model('Counter', Counter, 'counters'));
    this.organizations = new MongoOrganizations(model('Organization', Org, 'organizations'), ids);
    this.users = new MongoUsers(model('User', UserS, 'users'), ids);
    this.tokens = new MongoTokens(model('ApiToken', Token, 'api_tokens'), ids);
    this.devices = new MongoDevices(model('Device', Doc, 'devices'));
    this.agents = new MongoDocuments<Agent>(model('Agent', Doc, 'agents'));
    this.webhooks = new MongoWebhooks(model('Webhook', WebhookS, 'webhooks'), ids);
    this.deliveries = new MongoDeliveries(
      model('Delivery', DeliveryS, 'deliveries'),
      model('DeliveryAttempt', AttemptS, 'delivery_attempts'),
      ids,
    );
    this.triggerStates = new MongoTriggerStates(model('TriggerState', StateS, 'trigger_states'));
    this.notifications = new MongoNotifications(model('Notification', NotificationS, 'notifications'), ids);
    this.inboundWebhooks = new MongoInboundWebhooks(model('InboundWebhook', InboundS, 'inbound_webhooks'));
  }

  static async connect(uri: string): Promise<MongoDriver> {
    const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
    const driver = new MongoDriver(conn);
    await Promise.all(Object.values(conn.models).map((m) => m.syncIndexes()));
    return driver;
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}

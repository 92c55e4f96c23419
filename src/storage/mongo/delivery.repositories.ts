import type { Delivery, DeliveryAttempt, DeliveryQuery, NewDelivery } from '../../delivery/delivery.model.js';
import type { TriggerState } from '../../triggers/trigger-state.model.js';
import type { InboundWebhook } from '../../inbound/inbound-webhook.model.js';
import type {
  DeliveryRepository,
  InboundWebhookRepository,
  Notification,
  NotificationRepository,
  TriggerStateRepository,
} from '../ports.js';
import type { AnyModel, Ids } from './mongo.driver.js';

const FINISHED = ['delivered', 'failed', 'dropped'];
const row = (d: Delivery) => ({
  _id: d.id,
  orgId: d.orgId,
  webhookId: d.webhookId,
  status: d.status,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
  doc: d,
});

export class MongoDeliveries implements DeliveryRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly attemptsM: AnyModel,
    private readonly ids: Ids,
  ) {}

  async insertMany(rows: NewDelivery[]): Promise<Delivery[]> {
    if (rows.length === 0) return [];
    const first = await this.ids.reserve('deliveries', rows.length);
    const saved = rows.map((r, i) => ({ ...r, id: first + i }));
    await this.m.insertMany(saved.map(row), { ordered: true });
    return saved;
  }

  async saveMany(deliveries: Delivery[], attempts: DeliveryAttempt[]): Promise<void> {
    if (attempts.length > 0) {
      await this.attemptsM.bulkWrite(
        attempts.map((a) => ({
          replaceOne: {
            filter: { _id: `${a.deliveryId}:${a.n}` },
            replacement: { deliveryId: a.deliveryId, n: a.n, doc: a },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    }
    if (deliveries.length > 0) {
      await this.m.bulkWrite(
        deliveries.map((d) => ({ replaceOne: { filter: { _id: d.id }, replacement: row(d) } })),
        { ordered: false },
      );
    }
  }

  async unfinished(): Promise<Delivery[]> {
    return (
      await this.m
        .find({ status: { $in: ['pending', 'held'] } })
        .sort({ _id: 1 })
        .lean()
    ).map((o) => o.doc as Delivery);
  }

  async find(orgId: number, webhookId: number, q: DeliveryQuery): Promise<{ items: Delivery[]; total: number }> {
    const filter: Record<string, unknown> = { orgId, webhookId };
    if (q.status) filter.status = q.status;
    if (q.since !== undefined) filter.createdAt = { $gte: q.since };
    const [total, docs] = await Promise.all([
      this.m.countDocuments(filter),
      this.m
        .find(filter)
        .sort({ _id: -1 })
        .skip(q.page * q.size)
        .limit(q.size)
        .lean(),
    ]);
    return { items: docs.map((o) => o.doc as Delivery), total };
  }

  async findById(orgId: number, webhookId: number, id: number): Promise<Delivery | null> {
    return ((await this.m.findOne({ _id: id, orgId, webhookId }).lean())?.doc as Delivery) ?? null;
  }

  async attempts(deliveryId: number): Promise<DeliveryAttempt[]> {
    return (await this.attemptsM.find({ deliveryId }).sort({ n: 1 }).lean()).map((o) => o.doc as DeliveryAttempt);
  }

  async prune(ts: number): Promise<number> {
    const filter = { status: { $in: FINISHED }, updatedAt: { $lt: ts } };
    const ids = (await this.m.find(filter, { _id: 1 }).lean()).map((o) => o._id as number);
    if (ids.length === 0) return 0;
    await this.attemptsM.deleteMany({ deliveryId: { $in: ids } });
    return (await this.m.deleteMany({ _id: { $in: ids } })).deletedCount;
  }
}

export class MongoTriggerStates implements TriggerStateRepository {
  constructor(private readonly m: AnyModel) {}
  async all(): Promise<TriggerState[]> {
    return (await this.m.find().lean()).map((o) => o.doc as TriggerState);
  }
  async saveMany(states: TriggerState[]): Promise<void> {
    if (states.length === 0) return;
    await this.m.bulkWrite(
      states.map((s) => ({
        replaceOne: {
          filter: { _id: `${s.webhookId}:${s.deviceId}` },
          replacement: { webhookId: s.webhookId, doc: s },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
  async deleteForWebhook(webhookId: number): Promise<void> {
    await this.m.deleteMany({ webhookId });
  }
}

export class MongoNotifications implements NotificationRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly ids: Ids,
  ) {}
  async create(n: Omit<Notification, 'id'>): Promise<Notification> {
    const saved = { ...n, id: await this.ids.next('notifications') };
    await this.m.create({ _id: saved.id, orgId: n.orgId, userId: n.userId, createdAt: n.createdAt, doc: saved });
    return saved;
  }
  async listForUser(orgId: number, userId: number): Promise<Notification[]> {
    return (await this.m.find({ orgId, userId }).sort({ createdAt: -1, _id: -1 }).limit(200).lean()).map(
      (o) => o.doc as Notification,
    );
  }
}

export class MongoInboundWebhooks implements InboundWebhookRepository {
  constructor(private readonly m: AnyModel) {}
  async create(w: InboundWebhook): Promise<InboundWebhook> {
    await this.m.create({ _id: w.id, orgId: w.orgId, token: w.token, doc: w });
    return w;
  }
  async list(orgId: number) {
    return (await this.m.find({ orgId }).lean()).map((o) => o.doc as InboundWebhook);
  }
  async findById(orgId: number, id: string) {
    return ((await this.m.findOne({ _id: id, orgId }).lean())?.doc as InboundWebhook) ?? null;
  }
  async findByToken(token: string) {
    return ((await this.m.findOne({ token }).lean())?.doc as InboundWebhook) ?? null;
  }
  async update(w: InboundWebhook): Promise<void> {
    await this.m.updateOne({ _id: w.id, orgId: w.orgId }, { $set: { doc: w } });
  }
  async delete(orgId: number, id: string) {
    return (await this.m.deleteOne({ _id: id, orgId })).deletedCount > 0;
  }
}

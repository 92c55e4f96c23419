import type { Delivery, DeliveryAttempt, DeliveryQuery, NewDelivery } from '../../delivery/delivery.model.js';
import type { DeliveryRepository } from '../../delivery/delivery.repository.js';
import type { Ids } from './ids.js';
import type { AnyModel } from './model.js';

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

export class MongoDeliveryRepository implements DeliveryRepository {
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

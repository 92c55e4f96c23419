import type {
  Delivery,
  DeliveryAttempt,
  DeliveryPageQuery,
  DeliveryQuery,
  NewDelivery,
  UnfinishedCount,
} from '../../delivery/delivery.model.js';
import type { DeliveryRepository } from '../../delivery/delivery.repository.js';
import type { Ids } from './ids.js';
import type { AnyModel } from './model.js';
import type { BulkWrites } from './bulk-writes.js';

const FINISHED = ['delivered', 'failed', 'dropped'];
const UNFINISHED = ['pending', 'held'];
const PRUNE_BATCH = 1000;
const row = (d: Delivery) => ({
  _id: d.id,
  orgId: d.orgId,
  webhookId: d.webhookId,
  messageId: d.messageId,
  status: d.status,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
  doc: d,
});
/** A row's fields but its `_id`, for an update. */
const state = (d: Delivery) => {
  const { _id, ...rest } = row(d);
  return rest;
};
/** Row reads leave the attempts kept in the row's document behind (attempts() reads them). */
const NO_ATTEMPTS: Record<string, number> = { attempts: 0 };
const toDelivery = (o: Record<string, unknown>): Delivery => {
  const d = o.doc as Delivery;
  // Rows from before deliveries followed their webhook have neither field.
  return { ...d, matched: d.matched ?? null, renderedAt: d.renderedAt ?? null, renderedFor: d.renderedFor ?? null };
};

export class MongoDeliveryRepository implements DeliveryRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly attemptsM: AnyModel,
    private readonly ids: Ids,
    private readonly bulk: BulkWrites,
  ) {}

  /**
   * All or nothing. FerretDB has no transactions (and a MongoDB transaction needs a replica set), so a batch
   * that fails part way is compensated instead: the rows it did insert are deleted before the error is passed
   * on. Nothing reads a row before this returns (the dispatcher gets them only on success), so no one sees
   * the rows that are taken back.
   */
  async insertMany(rows: NewDelivery[]): Promise<Delivery[]> {
    if (rows.length === 0) return [];
    const first = await this.ids.reserve('deliveries', rows.length);
    const saved = rows.map((r, i) => ({ ...r, id: first + i }));
    try {
      await this.m.insertMany(saved.map(row), { ordered: true });
    } catch (err) {
      await this.m.deleteMany({ _id: { $gte: first, $lt: first + rows.length } });
      throw err;
    }
    return saved;
  }

  /**
   * One update per row, carrying the row's state and its new attempts (fields `attempts.a<n>` of the row's
   * document, keyed by number, so a batch written again after a partial failure sets the same fields rather
   * than adding copies): one document written per attempt, not two. An attempt whose row is not in the batch
   * (none today: DeliveryLog saves the row with each attempt) goes to `delivery_attempts`, where rows written
   * before this layout keep theirs. On FerretDB v1 (SQLite) each update costs a scan of the whole collection
   * (see change-log.ts), so under sustained load there the delivery log falls behind; DeliveryLog bounds what a
   * stop waits for it. Fixed-width string ids were tried (the filter then goes down to SQLite, which still
   * scans): no gain with one instance, 2-instance ingest at 0.61x, so the ids stay numbers.
   */
  async saveMany(deliveries: Delivery[], attempts: DeliveryAttempt[]): Promise<void> {
    const byRow = new Map<number, Record<string, DeliveryAttempt>>();
    for (const d of deliveries) byRow.set(d.id, {});
    const apart: DeliveryAttempt[] = [];
    for (const a of attempts) {
      const fields = byRow.get(a.deliveryId);
      if (fields) fields[`attempts.a${a.n}`] = a;
      else apart.push(a);
    }
    if (apart.length > 0) {
      await this.bulk.write(
        this.attemptsM,
        apart.map((a) => ({
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
      await this.bulk.write(
        this.m,
        deliveries.map((d) => ({
          updateOne: { filter: { _id: d.id }, update: { $set: { ...state(d), ...byRow.get(d.id) } } },
        })),
        { ordered: false },
      );
    }
  }

  async unfinishedCounts(): Promise<UnfinishedCount[]> {
    const groups = await this.m.aggregate<{ _id: { webhookId: number; status: 'pending' | 'held' }; n: number }>([
      { $match: { status: { $in: UNFINISHED } } },
      { $group: { _id: { webhookId: '$webhookId', status: '$status' }, n: { $sum: 1 } } },
    ]);
    return groups.map((g) => ({ webhookId: g._id.webhookId, status: g._id.status, n: g.n }));
  }

  async unfinishedPage(webhookId: number, afterId: number, limit: number): Promise<Delivery[]> {
    return (
      await this.m
        .find({ webhookId, status: { $in: UNFINISHED }, _id: { $gt: afterId } }, NO_ATTEMPTS)
        .sort({ _id: 1 })
        .limit(limit)
        .lean()
    ).map(toDelivery);
  }

  async unfinished(): Promise<Delivery[]> {
    return (
      await this.m
        .find({ status: { $in: UNFINISHED } }, NO_ATTEMPTS)
        .sort({ _id: 1 })
        .lean()
    ).map(toDelivery);
  }

  async find(orgId: number, webhookId: number, q: DeliveryQuery): Promise<{ items: Delivery[]; total: number }> {
    const filter: Record<string, unknown> = { orgId, webhookId };
    if (q.status) filter.status = q.status;
    if (q.since !== undefined) filter.createdAt = { $gte: q.since };
    // messageId has an index of its own; device and event are filtered within the webhook's index range.
    if (q.messageId !== undefined) filter.messageId = q.messageId;
    if (q.deviceId !== undefined) filter['doc.deviceId'] = q.deviceId;
    if (q.event !== undefined) filter['doc.event'] = q.event;
    const [total, docs] = await Promise.all([
      this.m.countDocuments(filter),
      this.m
        .find(filter, NO_ATTEMPTS)
        .sort({ _id: -1 })
        .skip(q.page * q.size)
        .limit(q.size)
        .lean(),
    ]);
    return { items: docs.map(toDelivery), total };
  }

  async findPage(orgId: number, webhookId: number, q: DeliveryPageQuery): Promise<Delivery[]> {
    const filter: Record<string, unknown> = { orgId, webhookId, status: q.status, createdAt: { $gte: q.since } };
    if (q.beforeId !== null) filter._id = { $lt: q.beforeId };
    return (await this.m.find(filter, NO_ATTEMPTS).sort({ _id: -1 }).limit(q.limit).lean()).map(toDelivery);
  }

  async findById(orgId: number, webhookId: number, id: number): Promise<Delivery | null> {
    const o = await this.m.findOne({ _id: id, orgId, webhookId }, NO_ATTEMPTS).lean();
    return o ? toDelivery(o) : null;
  }

  /** The row's own attempts and those of `delivery_attempts` (rows written before, or saved apart). */
  async attempts(deliveryId: number): Promise<DeliveryAttempt[]> {
    const [own, apart] = await Promise.all([
      this.m.findOne({ _id: deliveryId }, { attempts: 1 }).lean(),
      this.attemptsM.find({ deliveryId }).sort({ n: 1 }).lean(),
    ]);
    const byN = new Map<number, DeliveryAttempt>();
    for (const o of apart) byN.set(o.n as number, o.doc as DeliveryAttempt);
    for (const a of Object.values((own?.attempts ?? {}) as Record<string, DeliveryAttempt>)) byN.set(a.n, a);
    return [...byN.values()].sort((a, b) => a.n - b.n);
  }

  /**
   * Batches of PRUNE_BATCH ids (never one `$in` over every finished row: past ~1M ids it exceeds 16 MB). The
   * delete itself re-checks status and age, so a row replayed since the batch was read stays; only the
   * attempts of rows actually deleted go.
   */
  async prune(ts: number): Promise<number> {
    const finished = { status: { $in: FINISHED }, updatedAt: { $lt: ts } };
    let total = 0;
    let after = -1;
    for (;;) {
      const batch = (
        await this.m
          .find({ ...finished, _id: { $gt: after } }, { _id: 1 })
          .sort({ _id: 1 })
          .limit(PRUNE_BATCH)
          .lean()
      ).map((o) => o._id as number);
      if (batch.length === 0) return total;
      after = batch[batch.length - 1];
      total += (await this.m.deleteMany({ ...finished, _id: { $in: batch } })).deletedCount;
      const kept = new Set((await this.m.find({ _id: { $in: batch } }, { _id: 1 }).lean()).map((o) => o._id as number));
      const gone = batch.filter((id) => !kept.has(id));
      if (gone.length > 0) await this.attemptsM.deleteMany({ deliveryId: { $in: gone } });
      if (batch.length < PRUNE_BATCH) return total;
    }
  }
}

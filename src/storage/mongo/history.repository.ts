import type { mongo } from 'mongoose';
import type {
  DatastreamHistoryRepository,
  HistoryBucket,
  HistoryPoint,
  HistoryRetention,
  HistoryRow,
  HistoryWindow,
} from '../../devices/history/history.repository.js';

/** A stored value: `m` the series it belongs to (a time-series collection's metaField), `ts` a Date. */
interface StoredPoint {
  m: { o: number; d: string; n: string };
  ts: Date;
  v: unknown;
}
type Collection<T extends mongo.Document> = mongo.Collection<T>;
type Document = mongo.Document;
type StoredRetention = { _id: number; retentionDays: number | null; maxPointsPerDatastream: number | null };

const COLLECTION = 'datastream_history';
/** Rows read per cursor batch while bucketing a window in memory. */
const BUCKET_READ_BATCH = 5000;

const windowFilter = (w: HistoryWindow) => ({
  'm.d': w.deviceId,
  'm.n': w.name,
  'm.o': w.orgId,
  ts: { $gte: new Date(w.from), $lte: new Date(w.to) },
});

/**
 * `datastream_history`: a time-series collection where the server has them (MongoDB 5+, and deletes by any
 * field need 7.0: tried at start), else an ordinary collection with the same documents and two indexes —
 * FerretDB v1.24 refuses `timeseries` (its createCollection takes no such option).
 */
export class MongoHistoryRepository implements DatastreamHistoryRepository {
  private points!: Collection<StoredPoint>;
  private readonly retentions: Collection<StoredRetention>;
  /** Whether the server made the collection a time-series one (for the log and tests). */
  timeSeries = false;

  constructor(private readonly db: mongo.Db) {
    this.retentions = db.collection<StoredRetention>('history_retention');
  }

  async init(): Promise<void> {
    const [existing] = await this.db.listCollections({ name: COLLECTION }).toArray();
    if (existing) this.timeSeries = (existing as Document).type === 'timeseries';
    else this.timeSeries = await this.createTimeSeries();
    this.points = this.db.collection<StoredPoint>(COLLECTION);
    // Both kinds take them (a time-series collection indexes its metaField's fields and time like any other).
    await this.points.createIndex({ 'm.d': 1, 'm.n': 1, ts: 1 });
    await this.points.createIndex({ 'm.o': 1, ts: 1 });
  }

  private async createTimeSeries(): Promise<boolean> {
    try {
      const info = await this.db.admin().serverInfo();
      if (Number(String(info.version).split('.')[0]) < 7) return false;
      await this.db.createCollection(COLLECTION, {
        timeseries: { timeField: 'ts', metaField: 'm', granularity: 'seconds' },
      });
      const [created] = await this.db.listCollections({ name: COLLECTION }).toArray();
      return (created as Document | undefined)?.type === 'timeseries';
    } catch {
      return false; // FerretDB: "timeseries" not implemented; the plain collection is created on first insert
    }
  }

  async append(rows: HistoryRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.points.insertMany(
      rows.map((r) => ({ m: { o: r.orgId, d: r.deviceId, n: r.name }, ts: new Date(r.ts), v: r.value })),
      { ordered: false },
    );
  }

  /** Newest first by `ts` alone, so the index serves the sort (values of one ms come in any order). */
  async range(w: HistoryWindow, limit: number) {
    const docs = await this.points
      .find(windowFilter(w), { projection: { _id: 0, ts: 1, v: 1 } })
      .sort({ ts: -1 })
      .limit(limit + 1)
      .toArray();
    const truncated = docs.length > limit;
    if (truncated) docs.pop();
    return { points: docs.reverse().map((d): HistoryPoint => ({ ts: d.ts.getTime(), value: d.v })), truncated };
  }

  /** Bucketed here, over one cursor: FerretDB v1 lacks the $group expressions a server-side bucketing needs. */
  async buckets(w: HistoryWindow, bucketMs: number): Promise<HistoryBucket[]> {
    const cursor = this.points
      .find(windowFilter(w), { projection: { _id: 0, ts: 1, v: 1 } })
      .sort({ ts: 1 })
      .batchSize(BUCKET_READ_BATCH);
    const out: HistoryBucket[] = [];
    let sum = 0;
    let numbers = 0;
    let b: HistoryBucket | undefined;
    for await (const d of cursor) {
      const ts = d.ts.getTime();
      const start = ts - (ts % bucketMs);
      if (!b || b.start !== start) {
        if (b) b.avg = numbers ? sum / numbers : null;
        out.push((b = { start, min: null, max: null, avg: null, count: 0 }));
        sum = numbers = 0;
      }
      b.count++;
      if (typeof d.v === 'number') {
        b.min = b.min === null ? d.v : Math.min(b.min, d.v);
        b.max = b.max === null ? d.v : Math.max(b.max, d.v);
        sum += d.v;
        numbers++;
      }
    }
    if (b) b.avg = numbers ? sum / numbers : null;
    return out;
  }

  async pruneOlderThan(orgId: number, before: number, max: number): Promise<number> {
    const filter = { 'm.o': orgId, ts: { $lt: new Date(before) } };
    return this.deleteIds(
      await this.points
        .find(filter, { projection: { _id: 1 } })
        .limit(max)
        .toArray(),
    );
  }

  async count(deviceId: string, name: string): Promise<number> {
    return this.points.countDocuments({ 'm.d': deviceId, 'm.n': name });
  }

  async pruneBeyond(deviceId: string, name: string, keep: number): Promise<number> {
    const beyond = await this.points
      .find({ 'm.d': deviceId, 'm.n': name }, { projection: { _id: 1 } })
      .sort({ ts: -1 })
      .skip(keep)
      .toArray();
    return this.deleteIds(beyond);
  }

  private async deleteIds(docs: { _id: unknown }[]): Promise<number> {
    if (docs.length === 0) return 0;
    const r = await this.points.deleteMany({ _id: { $in: docs.map((d) => d._id) } } as Document);
    return r.deletedCount;
  }

  async deleteDevice(orgId: number, deviceId: string): Promise<void> {
    await this.points.deleteMany({ 'm.d': deviceId, 'm.o': orgId });
  }

  async retention(orgId: number): Promise<HistoryRetention | null> {
    const r = await this.retentions.findOne({ _id: orgId });
    return r && { orgId, retentionDays: r.retentionDays, maxPointsPerDatastream: r.maxPointsPerDatastream };
  }

  async allRetention(): Promise<HistoryRetention[]> {
    const all = await this.retentions.find().sort({ _id: 1 }).toArray();
    return all.map((r) => ({
      orgId: r._id,
      retentionDays: r.retentionDays ?? null,
      maxPointsPerDatastream: r.maxPointsPerDatastream ?? null,
    }));
  }

  async setRetention(r: HistoryRetention): Promise<void> {
    const { retentionDays, maxPointsPerDatastream } = r;
    await this.retentions.updateOne(
      { _id: r.orgId },
      { $set: { retentionDays, maxPointsPerDatastream } },
      { upsert: true },
    );
  }
}

import type { mongo } from 'mongoose';
import type {
  DatastreamHistoryRepository,
  HistoryBucket,
  HistoryRetention,
  HistorySeries,
  HistoryWindow,
} from '../../devices/history/history.repository.js';
import { Buckets, KeepNewest, NewestInWindow, newestOf, type StoredChunk, toChunks } from '../history-chunks.js';

/**
 * A stored chunk (storage/history-chunks.ts): `m` the datastream it belongs to (a time-series collection's
 * metaField), `ts` its first value's time (the timeField, a Date), `last` its newest value's time in ms.
 */
interface StoredPoints {
  m: { o: number; d: string; n: string };
  ts: Date;
  last: number;
  n: number;
  p: string;
}
type Collection<T extends mongo.Document> = mongo.Collection<T>;
type Document = mongo.Document;
type StoredRetention = { _id: number; retentionDays: number | null; maxPointsPerDatastream: number | null };

const COLLECTION = 'datastream_history';
/** Chunks read per cursor batch. */
const READ_BATCH = 100;

// Chunks that overlap the window: the index ranges over `last`, `ts` filters.
const windowFilter = (w: HistoryWindow) => ({
  'm.d': w.deviceId,
  'm.n': w.name,
  'm.o': w.orgId,
  last: { $gte: w.from },
  ts: { $lte: new Date(w.to) },
});
const stored = (d: StoredPoints): StoredChunk => ({ first: d.ts.getTime(), last: d.last, n: d.n, points: d.p });

/**
 * `datastream_history`: a time-series collection where the server has them (MongoDB 7.0+, whose deletes take any
 * filter: tried at start), else an ordinary collection with the same documents and indexes — FerretDB v1.24 has
 * no time-series collections.
 */
export class MongoHistoryRepository implements DatastreamHistoryRepository {
  private points!: Collection<StoredPoints>;
  private readonly retentions: Collection<StoredRetention>;
  /** Whether the server made the collection a time-series one. */
  timeSeries = false;

  constructor(private readonly db: mongo.Db) {
    this.retentions = db.collection<StoredRetention>('history_retention');
  }

  async init(): Promise<void> {
    const [existing] = await this.db.listCollections({ name: COLLECTION }).toArray();
    if (existing) this.timeSeries = (existing as Document).type === 'timeseries';
    else this.timeSeries = await this.createTimeSeries();
    this.points = this.db.collection<StoredPoints>(COLLECTION);
    // Both kinds take them (a time-series collection indexes its metaField's fields like any other).
    await this.points.createIndex({ 'm.d': 1, 'm.n': 1, last: 1 });
    await this.points.createIndex({ 'm.o': 1, last: 1 });
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

  async append(series: HistorySeries[]): Promise<void> {
    const docs = toChunks(series).map((c) => ({
      m: { o: c.orgId, d: c.deviceId, n: c.name },
      ts: new Date(c.first),
      last: c.last,
      n: c.n,
      p: c.points,
    }));
    if (docs.length > 0) await this.points.insertMany(docs, { ordered: false });
  }

  async range(w: HistoryWindow, limit: number) {
    const newest = new NewestInWindow(w, limit);
    // Chunks ending in one millisecond: the later insert (its ObjectId) holds the later values.
    const cursor = this.points.find(windowFilter(w)).sort({ last: -1, _id: -1 }).batchSize(READ_BATCH);
    for await (const d of cursor) {
      const c = stored(d);
      if (!newest.wants(c)) break;
      newest.add(c);
    }
    await cursor.close();
    return newest.result();
  }

  async buckets(w: HistoryWindow, bucketMs: number): Promise<HistoryBucket[]> {
    const buckets = new Buckets(w, bucketMs);
    for await (const d of this.points.find(windowFilter(w)).batchSize(READ_BATCH)) buckets.add(stored(d));
    return buckets.result();
  }

  /** Whole chunks: a chunk spans one flush, so its newest value outlives `before` by that much at most. */
  async pruneOlderThan(orgId: number, before: number, max: number): Promise<number> {
    const old = await this.points
      .find({ 'm.o': orgId, last: { $lt: before } }, { projection: { _id: 1, n: 1 } })
      .sort({ last: 1 })
      .limit(max)
      .toArray();
    let deleted = 0;
    const ids: unknown[] = [];
    for (const c of old) {
      if (deleted >= max) break;
      ids.push(c._id);
      deleted += c.n;
    }
    if (ids.length) await this.points.deleteMany({ _id: { $in: ids } } as Document);
    return deleted;
  }

  async count(deviceId: string, name: string): Promise<number> {
    const heads = await this.points.find({ 'm.d': deviceId, 'm.n': name }, { projection: { _id: 0, n: 1 } }).toArray();
    return heads.reduce((sum, c) => sum + c.n, 0);
  }

  async pruneBeyond(deviceId: string, name: string, keep: number): Promise<number> {
    const heads = await this.points
      .find({ 'm.d': deviceId, 'm.n': name }, { projection: { _id: 1, n: 1 } })
      .sort({ last: -1 })
      .toArray();
    const newest = new KeepNewest(keep);
    const gone: unknown[] = [];
    let deleted = 0;
    for (const h of heads) {
      const step = newest.next(h.n);
      if (step === 'keep') continue;
      if (step === 'delete') {
        gone.push(h._id);
        deleted += h.n;
        continue;
      }
      const full = await this.points.findOne({ _id: h._id });
      if (!full) continue;
      const t = newestOf(stored(full), step.room);
      // Replaced, not updated: a time-series collection takes inserts and deletes by any field, not every update.
      await this.points.insertOne({ m: full.m, ts: new Date(t.first), last: t.last, n: t.n, p: t.points });
      gone.push(h._id);
      deleted += h.n - t.n;
    }
    if (gone.length) await this.points.deleteMany({ _id: { $in: gone } } as Document);
    return deleted;
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

import type Database from 'better-sqlite3';
import type {
  DatastreamHistoryRepository,
  HistoryBucket,
  HistoryRetention,
  HistorySeries,
  HistoryWindow,
} from '../../devices/history/history.repository.js';
import { Buckets, KeepNewest, NewestInWindow, newestOf, type StoredChunk, toChunks } from '../history-chunks.js';

type ChunkRow = StoredChunk & { id: number };
type ChunkHead = { id: number; last: number; n: number };
type RetentionRow = { org_id: number; retention_days: number | null; max_points: number | null };

const CHUNK = 'id, first_ts AS first, last_ts AS last, n, points';
// Chunks that overlap the window: the index ranges over last_ts, first_ts filters.
const WINDOW = 'device_id = ? AND name = ? AND org_id = ? AND last_ts >= ? AND first_ts <= ?';
const windowArgs = (w: HistoryWindow) => [w.deviceId, w.name, w.orgId, w.from, w.to] as const;
const toRetention = (r: RetentionRow): HistoryRetention => ({
  orgId: r.org_id,
  retentionDays: r.retention_days,
  maxPointsPerDatastream: r.max_points,
});

/** `datastream_history`: chunks of values (storage/history-chunks.ts), one transaction per write-behind flush. */
export class SqliteHistoryRepository implements DatastreamHistoryRepository {
  private readonly insert;
  private readonly insertAll;
  private readonly newestFirst;
  private readonly oldestFirst;
  private readonly seriesNewestFirst;
  private readonly rewrite;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO datastream_history (org_id, device_id, name, first_ts, last_ts, n, points)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertAll = db.transaction((series: HistorySeries[]) => {
      for (const c of toChunks(series)) this.insert.run(c.orgId, c.deviceId, c.name, c.first, c.last, c.n, c.points);
    });
    this.newestFirst = db.prepare<unknown[], ChunkRow>(
      `SELECT ${CHUNK} FROM datastream_history WHERE ${WINDOW} ORDER BY last_ts DESC, id DESC`,
    );
    this.oldestFirst = db.prepare<unknown[], ChunkRow>(
      `SELECT ${CHUNK} FROM datastream_history WHERE ${WINDOW} ORDER BY last_ts, id`,
    );
    this.seriesNewestFirst = db.prepare<[string, string], ChunkHead>(
      `SELECT id, last_ts AS last, n FROM datastream_history WHERE device_id = ? AND name = ?
       ORDER BY last_ts DESC, id DESC`,
    );
    this.rewrite = db.prepare(
      'UPDATE datastream_history SET first_ts = ?, last_ts = ?, n = ?, points = ? WHERE id = ?',
    );
  }

  async append(series: HistorySeries[]): Promise<void> {
    if (series.length > 0) this.insertAll(series);
  }

  async range(w: HistoryWindow, limit: number) {
    const newest = new NewestInWindow(w, limit);
    for (const c of this.newestFirst.iterate(...windowArgs(w))) {
      if (!newest.wants(c)) break;
      newest.add(c);
    }
    return newest.result();
  }

  async buckets(w: HistoryWindow, bucketMs: number): Promise<HistoryBucket[]> {
    const buckets = new Buckets(w, bucketMs);
    for (const c of this.oldestFirst.iterate(...windowArgs(w))) buckets.add(c);
    return buckets.result();
  }

  /** Whole chunks: a chunk spans one flush, so its newest value outlives `before` by that much at most. */
  async pruneOlderThan(orgId: number, before: number, max: number): Promise<number> {
    return this.db.transaction(() => {
      const old = this.db
        .prepare<[number, number, number], { id: number; n: number }>(
          'SELECT id, n FROM datastream_history WHERE org_id = ? AND last_ts < ? ORDER BY last_ts LIMIT ?',
        )
        .all(orgId, before, max); // each chunk holds one value at least
      let deleted = 0;
      const del = this.db.prepare('DELETE FROM datastream_history WHERE id = ?');
      for (const c of old) {
        if (deleted >= max) break;
        del.run(c.id);
        deleted += c.n;
      }
      return deleted;
    })();
  }

  async count(deviceId: string, name: string): Promise<number> {
    const sql = 'SELECT coalesce(sum(n), 0) AS n FROM datastream_history WHERE device_id = ? AND name = ?';
    return this.db.prepare<[string, string], { n: number }>(sql).get(deviceId, name)!.n;
  }

  async pruneBeyond(deviceId: string, name: string, keep: number): Promise<number> {
    return this.db.transaction(() => {
      const newest = new KeepNewest(keep);
      let deleted = 0;
      const del = this.db.prepare('DELETE FROM datastream_history WHERE id = ?');
      const full = this.db.prepare<[number], ChunkRow>(`SELECT ${CHUNK} FROM datastream_history WHERE id = ?`);
      for (const c of this.seriesNewestFirst.all(deviceId, name)) {
        const step = newest.next(c.n);
        if (step === 'keep') continue;
        if (step === 'delete') {
          del.run(c.id);
          deleted += c.n;
          continue;
        }
        const trimmed = newestOf(full.get(c.id)!, step.room);
        this.rewrite.run(trimmed.first, trimmed.last, trimmed.n, trimmed.points, c.id);
        deleted += c.n - trimmed.n;
      }
      return deleted;
    })();
  }

  async deleteDevice(orgId: number, deviceId: string): Promise<void> {
    this.db.prepare('DELETE FROM datastream_history WHERE device_id = ? AND org_id = ?').run(deviceId, orgId);
  }

  async retention(orgId: number): Promise<HistoryRetention | null> {
    const r = this.db.prepare<[number], RetentionRow>('SELECT * FROM history_retention WHERE org_id = ?').get(orgId);
    return r ? toRetention(r) : null;
  }

  async allRetention(): Promise<HistoryRetention[]> {
    return this.db.prepare<[], RetentionRow>('SELECT * FROM history_retention ORDER BY org_id').all().map(toRetention);
  }

  async setRetention(r: HistoryRetention): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO history_retention (org_id, retention_days, max_points) VALUES (?, ?, ?)
         ON CONFLICT (org_id) DO UPDATE SET retention_days = excluded.retention_days, max_points = excluded.max_points`,
      )
      .run(r.orgId, r.retentionDays, r.maxPointsPerDatastream);
  }
}

import type Database from 'better-sqlite3';
import type {
  DatastreamHistoryRepository,
  HistoryBucket,
  HistoryPoint,
  HistoryRetention,
  HistoryRow,
  HistoryWindow,
} from '../../devices/history/history.repository.js';

type PointRow = { ts: number; num: number | null; json: string | null };
type RetentionRow = { org_id: number; retention_days: number | null; max_points: number | null };

const WINDOW = 'device_id = ? AND name = ? AND ts >= ? AND ts <= ? AND org_id = ?';
const toPoint = (r: PointRow): HistoryPoint => ({ ts: r.ts, value: r.num ?? JSON.parse(r.json!) });
const toRetention = (r: RetentionRow): HistoryRetention => ({
  orgId: r.org_id,
  retentionDays: r.retention_days,
  maxPointsPerDatastream: r.max_points,
});
const windowArgs = (w: HistoryWindow) => [w.deviceId, w.name, w.from, w.to, w.orgId] as const;

/** `datastream_history`: one row per value, appended in one transaction per write-behind batch. */
export class SqliteHistoryRepository implements DatastreamHistoryRepository {
  private readonly insert;
  private readonly insertAll;
  private readonly newest;
  private readonly bucketed;
  private readonly olderThan;
  private readonly beyond;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      'INSERT INTO datastream_history (org_id, device_id, name, ts, num, json) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertAll = db.transaction((rows: HistoryRow[]) => {
      for (const r of rows) {
        const isNumber = typeof r.value === 'number' && Number.isFinite(r.value);
        this.insert.run(r.orgId, r.deviceId, r.name, r.ts, isNumber ? r.value : null, isNumber ? null : json(r.value));
      }
    });
    this.newest = db.prepare<unknown[], PointRow>(
      `SELECT ts, num, json FROM datastream_history WHERE ${WINDOW} ORDER BY ts DESC, rowid DESC LIMIT ?`,
    );
    // Epoch-aligned buckets: the same window a minute later shares all but its edge buckets (charts stay put).
    this.bucketed = db.prepare<unknown[], HistoryBucket>(
      `SELECT ts - ts % ? AS start, min(num) AS min, max(num) AS max, avg(num) AS avg, count(*) AS count
       FROM datastream_history WHERE ${WINDOW} GROUP BY start ORDER BY start`,
    );
    this.olderThan = db.prepare(
      `DELETE FROM datastream_history WHERE rowid IN
       (SELECT rowid FROM datastream_history WHERE org_id = ? AND ts < ? LIMIT ?)`,
    );
    this.beyond = db.prepare(
      `DELETE FROM datastream_history WHERE rowid IN (SELECT rowid FROM datastream_history
       WHERE device_id = ? AND name = ? ORDER BY ts DESC, rowid DESC LIMIT -1 OFFSET ?)`,
    );
  }

  async append(rows: HistoryRow[]): Promise<void> {
    if (rows.length > 0) this.insertAll(rows);
  }

  async range(w: HistoryWindow, limit: number) {
    const rows = this.newest.all(...windowArgs(w), limit + 1);
    const truncated = rows.length > limit;
    if (truncated) rows.pop();
    return { points: rows.reverse().map(toPoint), truncated };
  }

  async buckets(w: HistoryWindow, bucketMs: number): Promise<HistoryBucket[]> {
    return this.bucketed.all(bucketMs, ...windowArgs(w));
  }

  async pruneOlderThan(orgId: number, before: number, max: number): Promise<number> {
    return this.olderThan.run(orgId, before, max).changes;
  }

  async count(deviceId: string, name: string): Promise<number> {
    const sql = 'SELECT count(*) AS n FROM datastream_history WHERE device_id = ? AND name = ?';
    return this.db.prepare<[string, string], { n: number }>(sql).get(deviceId, name)!.n;
  }

  async pruneBeyond(deviceId: string, name: string, keep: number): Promise<number> {
    return this.beyond.run(deviceId, name, keep).changes;
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

/** A value that is not a finite number, as JSON (`undefined` would not be: stored as null). */
const json = (v: unknown): string => JSON.stringify(v) ?? 'null';

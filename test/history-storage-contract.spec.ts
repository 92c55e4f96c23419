import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryRow, HistorySeries, HistoryWindow } from '../src/devices/history/history.repository.js';
import { CHUNK_POINTS } from '../src/storage/history-chunks.js';
import { MongoHistoryRepository } from '../src/storage/mongo/history.repository.js';
import { openMongo } from '../src/storage/mongo/mongo.driver.js';
import { openSqlite } from '../src/storage/sqlite/sqlite.driver.js';
import type { StorageDriver } from '../src/storage/storage-driver.js';
import { dropDatabase, mongoTestUri } from './support/mongo.js';
import { describeWith } from './support/requirements.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 1); // a midnight: buckets of 1 h start at T0 + k h

/** Rows as one flush hands them over: each datastream's values together, in arrival order. */
function flushOf(rows: HistoryRow[]): HistorySeries[] {
  const out = new Map<string, HistorySeries>();
  for (const r of rows) {
    const key = `${r.orgId}/${r.deviceId}/${r.name}`;
    const s = out.get(key) ?? { orgId: r.orgId, deviceId: r.deviceId, name: r.name, ts: [], values: [] };
    out.set(key, s);
    s.ts.push(r.ts);
    s.values.push(r.value);
  }
  return [...out.values()];
}

/** The history port's contract, every driver (test/storage-contract.spec.ts's style). */
function historyContract(name: string, open: () => Promise<StorageDriver>, cleanup: () => Promise<void> | void) {
  describe(`history storage contract: ${name}`, () => {
    let s: StorageDriver;
    /** Each row in a flush of its own (`each`), or all of them in one. */
    let append: (rows: HistoryRow[], each?: boolean) => Promise<void>;
    beforeAll(async () => {
      s = await open();
      append = async (rows, each = false) => {
        if (!each) return s.history.append(flushOf(rows));
        for (const r of rows) await s.history.append(flushOf([r]));
      };
    });
    afterAll(async () => {
      await s.close();
      await cleanup();
    });

    const rows = (deviceId: string, n: number, at = (i: number) => T0 + i * 60_000, orgId = 1): HistoryRow[] =>
      Array.from({ length: n }, (_, i) => ({ orgId, deviceId, name: 'temp', ts: at(i), value: i }));
    const all = (deviceId: string, orgId = 1): HistoryWindow => ({
      orgId,
      deviceId,
      name: 'temp',
      from: 0,
      to: T0 + 365 * DAY,
    });

    it('appends a batch and reads a window ascending, values as stored, both ends inclusive', async () => {
      const values = [1.5, 'on', true, { a: [1, 'x'] }, null, -0.25, 0];
      await append(values.map((value, i) => ({ orgId: 1, deviceId: 'h-a', name: 'mix', ts: T0 + i, value })));
      const got = await s.history.range({ ...all('h-a'), name: 'mix' }, 100);
      expect(got).toEqual({ points: values.map((value, i) => ({ ts: T0 + i, value })), truncated: false });
      const mid = await s.history.range({ ...all('h-a'), name: 'mix', from: T0 + 1, to: T0 + 3 }, 100);
      expect(mid.points.map((p) => p.ts)).toEqual([T0 + 1, T0 + 2, T0 + 3]);
      expect((await s.history.range({ ...all('h-a'), name: 'none' }, 100)).points).toEqual([]);
    });

    it('gives the most recent `limit` values of a window and says it truncated', async () => {
      await append(rows('h-b', 10).reverse(), true); // stored out of order: read by ts
      const got = await s.history.range(all('h-b'), 3);
      expect(got).toEqual({ points: [7, 8, 9].map((i) => ({ ts: T0 + i * 60_000, value: i })), truncated: true });
      expect((await s.history.range(all('h-b'), 10)).truncated).toBe(false);
    });

    it('reads, counts and trims a flush larger than one chunk', async () => {
      const n = CHUNK_POINTS * 2 + 500;
      await append(rows('h-j', n, (i) => T0 + i));
      expect(await s.history.count('h-j', 'temp')).toBe(n);
      const last = await s.history.range(all('h-j'), 1200);
      expect(last.truncated).toBe(true);
      expect(last.points.map((p) => p.value)).toEqual(Array.from({ length: 1200 }, (_, i) => n - 1200 + i));
      const window = { ...all('h-j'), from: T0 + 990, to: T0 + 1010 };
      expect((await s.history.range(window, 100)).points.map((p) => p.value)).toEqual(
        Array.from({ length: 21 }, (_, i) => 990 + i),
      );
      const [bucket] = await s.history.buckets(all('h-j'), DAY);
      expect(bucket).toEqual({ start: T0, min: 0, max: n - 1, avg: (n - 1) / 2, count: n });
      expect(await s.history.pruneBeyond('h-j', 'temp', 1700)).toBe(n - 1700);
      expect(await s.history.count('h-j', 'temp')).toBe(1700);
      expect((await s.history.range(all('h-j'), 10_000)).points[0].value).toBe(n - 1700);
    });

    it('keeps organizations apart: a window of another org is empty', async () => {
      await append(rows('h-c', 2));
      expect((await s.history.range(all('h-c', 2), 10)).points).toEqual([]);
    });

    it('buckets a window epoch-aligned: min, max, avg over numbers, count over all, empty buckets left out', async () => {
      const at = [0, 10, 20, 130, 140, 185].map((m) => T0 + m * 60_000);
      const values = [4, 'x', 8, 1, 3, 'only text'];
      await append(at.map((ts, i) => ({ orgId: 1, deviceId: 'h-d', name: 'temp', ts, value: values[i] })));
      const h = 3_600_000;
      expect(await s.history.buckets(all('h-d'), h)).toEqual([
        { start: T0, min: 4, max: 8, avg: 6, count: 3 },
        { start: T0 + 2 * h, min: 1, max: 3, avg: 2, count: 2 },
        { start: T0 + 3 * h, min: null, max: null, avg: null, count: 1 },
      ]);
      const window = { ...all('h-d'), from: T0 + 15 * 60_000, to: T0 + 135 * 60_000 };
      expect(await s.history.buckets(window, h)).toEqual([
        { start: T0, min: 8, max: 8, avg: 8, count: 1 },
        { start: T0 + 2 * h, min: 1, max: 1, avg: 1, count: 1 },
      ]);
    });

    it('prunes by age per organization, at most `max` rows a call', async () => {
      await append([...rows('h-e', 6, (i) => T0 + i * DAY, 7), ...rows('h-f', 2, (i) => T0 + i, 8)], true);
      expect(await s.history.pruneOlderThan(7, T0 + 4 * DAY, 3)).toBe(3);
      expect(await s.history.pruneOlderThan(7, T0 + 4 * DAY, 3)).toBe(1);
      expect(await s.history.pruneOlderThan(7, T0 + 4 * DAY, 3)).toBe(0);
      expect((await s.history.range(all('h-e', 7), 10)).points.map((p) => p.value)).toEqual([4, 5]);
      expect(await s.history.count('h-f', 'temp')).toBe(2); // another organization's rows stay
    });

    it('prunes by count per datastream, keeping the newest', async () => {
      await append(rows('h-g', 4));
      await append(rows('h-g', 8).slice(4)); // two flushes: the boundary falls inside the older one
      await append([{ orgId: 1, deviceId: 'h-g', name: 'other', ts: T0, value: 1 }]);
      expect(await s.history.count('h-g', 'temp')).toBe(8);
      expect(await s.history.pruneBeyond('h-g', 'temp', 3)).toBe(5);
      expect((await s.history.range(all('h-g'), 10)).points.map((p) => p.value)).toEqual([5, 6, 7]);
      expect(await s.history.pruneBeyond('h-g', 'temp', 3)).toBe(0);
      expect(await s.history.count('h-g', 'other')).toBe(1);
    });

    it("deletes a device's history, every datastream, and only its own", async () => {
      await append([...rows('h-h', 3), ...rows('h-i', 2)]);
      await append([{ orgId: 1, deviceId: 'h-h', name: 'b', ts: T0, value: 1 }]);
      await s.history.deleteDevice(1, 'h-h');
      expect(await s.history.count('h-h', 'temp')).toBe(0);
      expect(await s.history.count('h-h', 'b')).toBe(0);
      expect(await s.history.count('h-i', 'temp')).toBe(2);
    });

    it('keeps retention settings per organization, replaced whole', async () => {
      expect(await s.history.retention(41)).toBeNull();
      await s.history.setRetention({ orgId: 41, retentionDays: 7, maxPointsPerDatastream: null });
      await s.history.setRetention({ orgId: 42, retentionDays: null, maxPointsPerDatastream: 50 });
      await s.history.setRetention({ orgId: 41, retentionDays: 3, maxPointsPerDatastream: null });
      expect(await s.history.retention(41)).toEqual({ orgId: 41, retentionDays: 3, maxPointsPerDatastream: null });
      expect(await s.history.allRetention()).toEqual([
        { orgId: 41, retentionDays: 3, maxPointsPerDatastream: null },
        { orgId: 42, retentionDays: null, maxPointsPerDatastream: 50 },
      ]);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'gw-history-'));
historyContract(
  'sqlite',
  async () => openSqlite(dir),
  () => rmSync(dir, { recursive: true, force: true }),
);

const mongoUri = mongoTestUri('history_contract');
describeWith(['mongo'], 'history storage on MongoDB', () => {
  it('makes datastream_history a time-series collection where the server has them, else an ordinary one', async () => {
    const driver = await openMongo(mongoUri!);
    try {
      const kind = (driver.history as MongoHistoryRepository).timeSeries;
      // FerretDB v1.24 has no time-series collections: the ordinary one, indexed (mongo-driver-suite checks them).
      if (process.env.GATEWAY_TEST_MONGO === 'ferretdb') expect(kind).toBe(false);
      const [info] = await driver.connection.db!.listCollections({ name: 'datastream_history' }).toArray();
      expect(info?.type ?? 'collection').toBe(kind ? 'timeseries' : 'collection');
    } finally {
      await driver.close();
    }
  });
});
if (mongoUri)
  historyContract(
    `mongo (${process.env.GATEWAY_TEST_MONGO ?? 'MONGODB_URI'})`,
    () => openMongo(mongoUri),
    () => dropDatabase(mongoUri),
  );

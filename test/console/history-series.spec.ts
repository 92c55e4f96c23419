// The console's history series (console/src/history.ts): the window's query, the API's answer as a series and
// live values folded into it, with explicit times.
import {
  addLive,
  type BucketedHistory,
  describePoint,
  formatValue,
  historyPath,
  type RawHistory,
  toSeries,
} from '../../console/src/history.js';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const MIN = 60_000;

const raw = (points: [number, number | string][], truncated = false): RawHistory => ({
  deviceId: 'pump-1',
  datastream: 'temp',
  from: NOW - 60 * MIN,
  to: NOW,
  points: points.map(([ts, value]) => ({ ts, value })),
  truncated,
});

const bucketed = (buckets: BucketedHistory['buckets']): BucketedHistory => ({
  deviceId: 'pump-1',
  datastream: 'temp',
  from: NOW - 1440 * MIN,
  to: NOW,
  bucketMs: 5 * MIN,
  buckets,
});

describe('history series (console)', () => {
  it('asks raw values for the hour, 5-minute buckets for the day, hourly for the week, all values for CSV', () => {
    const q = (p: string) => Object.fromEntries(new URL(p, 'http://x/').searchParams);
    expect(historyPath('pump 1', 'temp', 'hour', NOW)).toMatch(/^devices\/pump%201\/datastreams\/temp\/history\?/);
    expect(q(historyPath('p', 't', 'hour', NOW))).toEqual({ from: String(NOW - 60 * MIN), limit: '5000' });
    expect(q(historyPath('p', 't', 'day', NOW))).toEqual({ from: String(NOW - 1440 * MIN), bucket: '5m' });
    expect(q(historyPath('p', 't', 'week', NOW))).toEqual({ from: String(NOW - 7 * 1440 * MIN), bucket: '1h' });
    expect(q(historyPath('p', 't', 'week', NOW, { csv: true }))).toEqual({
      from: String(NOW - 7 * 1440 * MIN),
      format: 'csv',
      limit: '10000',
    });
    expect(q(historyPath('p', 't', 'day', NOW, { raw: true, limit: 10 }))).toEqual({
      from: String(NOW - 1440 * MIN),
      limit: '10',
    });
  });

  it('keeps the numeric raw values and the buckets that have numbers, with the window in epoch ms', () => {
    const s = toSeries(
      raw(
        [
          [NOW - 5 * MIN, 1],
          [NOW - 4 * MIN, 'on'],
          [NOW - 3 * MIN, 2.5],
        ],
        true,
      ),
    );
    expect(s).toMatchObject({ from: NOW - 60 * MIN, to: NOW, bucketMs: null, truncated: true });
    expect(s.points.map((p) => [p.t, p.avg])).toEqual([
      [NOW - 5 * MIN, 1],
      [NOW - 3 * MIN, 2.5],
    ]);
    const b = toSeries(
      bucketed([
        { start: NOW - 10 * MIN, min: 1, max: 3, avg: 2, count: 3 },
        { start: NOW - 5 * MIN, min: null, max: null, avg: null, count: 2 },
      ]),
    );
    expect(b).toMatchObject({ from: NOW - 1440 * MIN, to: NOW, bucketMs: 5 * MIN });
    expect(b.points).toEqual([{ t: NOW - 10 * MIN, min: 1, max: 3, avg: 2, count: 3 }]);
  });

  it('appends a live raw value and slides the window, dropping what fell out of it', () => {
    const s = toSeries(
      raw([
        [NOW - 59 * MIN, 1],
        [NOW - 30 * MIN, 2],
      ]),
    );
    const next = addLive(s, NOW + 2 * MIN, 3, NOW + 2 * MIN);
    expect(next.to).toBe(NOW + 2 * MIN);
    expect(next.from).toBe(NOW - 58 * MIN);
    expect(next.points.map((p) => p.avg)).toEqual([2, 3]);
    // A value older than the last point (a late arrival) waits for the next fetch.
    expect(addLive(next, NOW - 40 * MIN, 9, NOW + 2 * MIN).points.map((p) => p.avg)).toEqual([2, 3]);
  });

  it("folds a live value into its bucket (min, max, running average) or opens the next on the server's grid", () => {
    const start = NOW - 5 * MIN;
    const s = toSeries(bucketed([{ start, min: 1, max: 3, avg: 2, count: 2 }]));
    const same = addLive(s, start + 4 * MIN, 5, NOW);
    expect(same.points).toEqual([{ t: start, min: 1, max: 5, avg: 3, count: 3 }]);
    const next = addLive(same, NOW + 7 * MIN, 4, NOW + 7 * MIN);
    expect(next.points.map((p) => [p.t, p.avg, p.count])).toEqual([
      [start, 3, 3],
      [NOW + 5 * MIN, 4, 1],
    ]);
    // The first value of an empty window opens the epoch-aligned bucket that holds it.
    const empty = toSeries(bucketed([]));
    expect(addLive(empty, NOW + 61_000, 7, NOW + 61_000).points).toEqual([
      { t: NOW, min: 7, max: 7, avg: 7, count: 1 },
    ]);
  });

  it('reads values and buckets out in short words', () => {
    expect([formatValue(21), formatValue(21.456), formatValue(0.012345), formatValue(12345.6)]).toEqual([
      '21',
      '21.46',
      '0.0123',
      '12346',
    ]);
    const clock = (t: number) => `${(t - NOW) / MIN}m`;
    expect(describePoint({ t: NOW, avg: 2.5, min: 2.5, max: 2.5, count: 1 }, null, clock)).toBe('0m: 2.5');
    expect(describePoint({ t: NOW, avg: 2, min: 1, max: 3, count: 3 }, 5 * MIN, clock)).toBe(
      '0m–5m: avg 2 (min 1, max 3), 3 values',
    );
  });
});

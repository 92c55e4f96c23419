// A datastream's history for the device page's charts: the window's query, the API's answer as one series, and
// live values folded into it. Pure (explicit time, no DOM): test/console/history-series.spec.ts runs it in jest
// (hence the .js in the import: the tests' NodeNext resolution wants it, the console's Bundler accepts it).
import type { DatastreamHistory, DatastreamHistoryBuckets } from './types.js';

/** The chart windows: raw values for the hour, buckets (min, max, avg) for a day (288) and a week (168). */
export const HISTORY_WINDOWS = {
  hour: { label: 'Last hour', ms: 3_600_000, bucket: null },
  day: { label: 'Last day', ms: 86_400_000, bucket: '5m' },
  week: { label: 'Last week', ms: 7 * 86_400_000, bucket: '1h' },
} as const;
export type HistoryWindow = keyof typeof HISTORY_WINDOWS;
export const isHistoryWindow = (w: unknown): w is HistoryWindow => typeof w === 'string' && w in HISTORY_WINDOWS;

/** Raw values asked for the hour (one a second fits); past it the API answers the most recent ones. */
export const RAW_LIMIT = 5000;
/** Values in a CSV download: the API's most. */
export const CSV_LIMIT = 10_000;
/** Rows of the recent-values table of a non-numeric datastream. */
export const RECENT_ROWS = 10;

/** GET …/history answers, raw or bucketed. */
export type RawHistory = DatastreamHistory;
export type BucketedHistory = DatastreamHistoryBuckets;
export type HistoryAnswer = RawHistory | BucketedHistory;

/** One drawn point: a raw value (min = max = avg) or a bucket, at its time `t` (a bucket's start). */
export interface SeriesPoint {
  t: number;
  avg: number;
  min: number;
  max: number;
  count: number;
}

/** What a chart draws: the window [from, to] and its numeric points, ascending. */
export interface Series {
  from: number;
  to: number;
  /** Null for raw values. */
  bucketMs: number | null;
  points: SeriesPoint[];
  /** The API kept only the most recent values of the window. */
  truncated: boolean;
}

/**
 * The history path of a datastream for the window ending now: `to` is left to the server (its now), so the
 * answer's `to` says which live values it already holds. Raw for the hour (or `raw`), else the window's buckets.
 */
export function historyPath(
  deviceId: string,
  datastream: string,
  win: HistoryWindow,
  now: number,
  opts: { limit?: number; raw?: boolean; csv?: boolean } = {},
): string {
  const w = HISTORY_WINDOWS[win];
  const q = new URLSearchParams({ from: String(now - w.ms) });
  if (opts.csv) q.set('format', 'csv');
  if (w.bucket && !opts.raw && !opts.csv) q.set('bucket', w.bucket);
  else q.set('limit', String(opts.limit ?? (opts.csv ? CSV_LIMIT : RAW_LIMIT)));
  return `devices/${encodeURIComponent(deviceId)}/datastreams/${encodeURIComponent(datastream)}/history?${q}`;
}

/** The API's answer as a series: only numeric raw values, only buckets with numbers. */
export function toSeries(a: HistoryAnswer): Series {
  const base = { from: a.from, to: a.to };
  if ('buckets' in a) {
    const points: SeriesPoint[] = [];
    for (const b of a.buckets)
      if (b.avg !== null && b.min !== null && b.max !== null)
        points.push({ t: b.start, avg: b.avg, min: b.min, max: b.max, count: b.count });
    return { ...base, bucketMs: a.bucketMs, points, truncated: false };
  }
  const points: SeriesPoint[] = [];
  for (const p of a.points)
    if (typeof p.value === 'number') points.push({ t: p.ts, avg: p.value, min: p.value, max: p.value, count: 1 });
  return { ...base, bucketMs: null, points, truncated: a.truncated };
}

/**
 * A live value added to a series, the window slid to end at `now`: a raw value is appended; a bucketed value
 * goes into the bucket holding its time (min, max, running average) or a new one on the server's grid (bucket
 * starts are multiples of the width, epoch aligned). Values older than the last point (late arrivals) are left
 * to the next fetch.
 */
export function addLive(s: Series, ts: number, value: number, now: number): Series {
  const span = s.to - s.from;
  const to = Math.max(s.to, now, ts);
  const from = to - span;
  const kept = s.points.filter((p) => p.t + (s.bucketMs ?? 0) > from);
  const last = kept[kept.length - 1];
  if (s.bucketMs === null) {
    if (last && ts < last.t) return { ...s, from, to, points: kept };
    return { ...s, from, to, points: [...kept, { t: ts, avg: value, min: value, max: value, count: 1 }] };
  }
  const start = ts - (ts % s.bucketMs);
  if (last && start < last.t) return { ...s, from, to, points: kept };
  if (last && start === last.t) {
    const count = last.count + 1;
    const merged = {
      t: start,
      min: Math.min(last.min, value),
      max: Math.max(last.max, value),
      avg: last.avg + (value - last.avg) / count,
      count,
    };
    return { ...s, from, to, points: [...kept.slice(0, -1), merged] };
  }
  return { ...s, from, to, points: [...kept, { t: start, avg: value, min: value, max: value, count: 1 }] };
}

/** How a value reads in the chart's readout: up to 4 significant digits, no exponent for usual sizes. */
export function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return abs >= 1000 ? v.toFixed(0) : abs >= 1 ? String(Number(v.toPrecision(4))) : String(Number(v.toPrecision(3)));
}

/** What the readout says about one point: its time and value, or a bucket's average and range. */
export function describePoint(p: SeriesPoint, bucketMs: number | null, clock: (t: number) => string): string {
  if (bucketMs === null) return `${clock(p.t)}: ${formatValue(p.avg)}`;
  const range = p.min === p.max ? '' : ` (min ${formatValue(p.min)}, max ${formatValue(p.max)})`;
  return `${clock(p.t)}–${clock(p.t + bucketMs)}: avg ${formatValue(p.avg)}${range}, ${p.count} value${p.count === 1 ? '' : 's'}`;
}

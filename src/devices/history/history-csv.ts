import type { HistoryBucket, HistoryPoint } from './history.repository.js';

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such text gets a '.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
function field(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A stored value as a cell: numbers as they are, text guarded against formulas, anything else as JSON. */
function valueCell(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return field(FORMULA_START.test(v) ? `'${v}` : v);
  return field(JSON.stringify(v) ?? 'null');
}

const num = (v: number | null) => (v === null ? '' : String(v));

export function pointsCsv(points: HistoryPoint[]): string {
  const lines = ['ts,time,value'];
  for (const p of points) lines.push(`${p.ts},${new Date(p.ts).toISOString()},${valueCell(p.value)}`);
  return lines.join('\r\n') + '\r\n';
}

export function bucketsCsv(buckets: HistoryBucket[]): string {
  const lines = ['start,time,min,max,avg,count'];
  for (const b of buckets)
    lines.push(`${b.start},${new Date(b.start).toISOString()},${num(b.min)},${num(b.max)},${num(b.avg)},${b.count}`);
  return lines.join('\r\n') + '\r\n';
}

/** `<device>-<name>.csv`, with anything but [A-Za-z0-9._-] replaced (it goes inside a quoted header value). */
export const csvFileName = (deviceId: string, name: string): string =>
  `${deviceId}-${name}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');

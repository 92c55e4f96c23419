import { ApiError, type FieldError } from '../../common/api-error.js';

export const HISTORY_DEFAULT_LIMIT = 1000;
export const HISTORY_MAX_LIMIT = 10_000;
export const HISTORY_MAX_BUCKETS = 10_000;
export const LIMIT_RULE = `limit must be an integer from 1 to ${HISTORY_MAX_LIMIT}`;
const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS };
const DURATION = /^(\d{1,12})(ms|s|m|h|d)?$/;
// ISO 8601 as Date.parse reads it, but only that: a date, optionally a time and a zone.
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The query as it came (strings; `limit` already an integer within bounds, by the DTO). */
export interface HistoryQueryInput {
  from?: string;
  to?: string;
  limit?: number;
  bucket?: string;
}

export interface HistoryRequest {
  from: number;
  to: number;
  limit: number;
  bucketMs: number | null;
}

/** Epoch ms or ISO 8601; NaN when neither. */
export function parseInstant(s: string): number {
  if (/^\d{1,15}$/.test(s)) return Number(s);
  return ISO.test(s) ? Date.parse(s) : NaN;
}

/** `300000` (ms) or `30s`, `5m`, `1h`, `1d`; NaN when neither or zero. */
export function parseDuration(s: string): number {
  const m = DURATION.exec(s);
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? 'ms'] : NaN;
  return ms > 0 ? ms : NaN;
}

/**
 * The window of a history request at `now`: to defaults to now, from to 24 h before it. Every bad field is
 * named in one 400 (`from`, `to`, `bucket`).
 */
export function historyRequest(q: HistoryQueryInput, now: number): HistoryRequest {
  const fields: FieldError[] = [];
  const instant = (name: 'from' | 'to', raw: string | undefined, fallback: () => number) => {
    if (raw === undefined) return fallback();
    const t = parseInstant(raw);
    if (Number.isNaN(t)) fields.push({ path: name, message: `${name} must be epoch milliseconds or an ISO 8601 date` });
    return t;
  };
  const to = instant('to', q.to, () => now);
  const from = instant('from', q.from, () => (Number.isNaN(to) ? NaN : to - DAY_MS));
  if (from > to) fields.push({ path: 'from', message: `from must not be after to (from ${from}, to ${to})` });
  let bucketMs: number | null = null;
  if (q.bucket !== undefined) {
    bucketMs = parseDuration(q.bucket);
    if (Number.isNaN(bucketMs))
      fields.push({ path: 'bucket', message: 'bucket must be milliseconds or a duration such as 30s, 5m, 1h, 1d' });
    else if (from <= to && Math.floor(to / bucketMs) - Math.floor(from / bucketMs) + 1 > HISTORY_MAX_BUCKETS)
      fields.push({
        path: 'bucket',
        message: `bucket is too small: the window would hold more than ${HISTORY_MAX_BUCKETS} buckets`,
      });
  }
  const limit = q.limit ?? HISTORY_DEFAULT_LIMIT;
  if (limit < 1 || limit > HISTORY_MAX_LIMIT) fields.push({ path: 'limit', message: LIMIT_RULE });
  if (fields.length) throw ApiError.invalid(fields);
  return { from, to, limit, bucketMs };
}

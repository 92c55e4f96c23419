import type {
  HistoryBucket,
  HistoryPoint,
  HistorySeries,
  HistoryWindow,
} from '../devices/history/history.repository.js';

/**
 * How both drivers store datastream history: a chunk holds up to CHUNK_POINTS values of one datastream, its
 * times as offsets from the first and its values as one JSON text. One row (document) per chunk instead of per
 * value keeps the write behind cheap on the ingest thread: a busy datastream's 200 ms flush is one insert.
 */
export const CHUNK_POINTS = 1000;

export interface Chunk {
  orgId: number;
  deviceId: string;
  name: string;
  first: number;
  last: number;
  n: number;
  /** JSON of `[offsets from first, values]`. */
  points: string;
}

/** A stored chunk as read back: its key and its values. */
export interface StoredChunk {
  first: number;
  last: number;
  n: number;
  points: string;
}

/** Splits each datastream's values into chunks of at most CHUNK_POINTS. */
export function toChunks(series: HistorySeries[]): Chunk[] {
  const out: Chunk[] = [];
  for (const s of series)
    for (let i = 0; i < s.ts.length; i += CHUNK_POINTS)
      out.push(chunkOf(s, s.ts.slice(i, i + CHUNK_POINTS), s.values.slice(i, i + CHUNK_POINTS)));
  return out;
}

function chunkOf(s: Pick<HistorySeries, 'orgId' | 'deviceId' | 'name'>, ts: number[], values: unknown[]): Chunk {
  let first = ts[0];
  let last = ts[0];
  for (const t of ts) {
    if (t < first) first = t;
    else if (t > last) last = t;
  }
  const offsets = ts.map((t) => t - first);
  const points = JSON.stringify([offsets, values]);
  return { orgId: s.orgId, deviceId: s.deviceId, name: s.name, first, last, n: ts.length, points };
}

/** A chunk's values, in the order they arrived. */
export function pointsOf(c: StoredChunk): HistoryPoint[] {
  const [offsets, values] = JSON.parse(c.points) as [number[], unknown[]];
  return offsets.map((o, i) => ({ ts: c.first + o, value: values[i] ?? null }));
}

/** The chunk with only the values `keep` accepts (null when none is left). */
export function rechunk(c: StoredChunk, keep: (p: HistoryPoint, i: number) => boolean): StoredChunk | null {
  const kept = pointsOf(c).filter(keep);
  if (kept.length === 0) return null;
  const { first, last, n, points } = chunkOf(
    { orgId: 0, deviceId: '', name: '' },
    kept.map((p) => p.ts),
    kept.map((p) => p.value),
  );
  return { first, last, n, points };
}

/**
 * The newest `limit` values of a window, from chunks read newest (by `last`) first: `add` says whether an
 * older chunk can still hold one of them.
 */
export class NewestInWindow {
  /** Each value with its arrival order: chunks come newest first, a chunk's values oldest first. */
  private found: { p: HistoryPoint; chunk: number; i: number }[] = [];
  private chunks = 0;
  constructor(
    private readonly w: HistoryWindow,
    private readonly limit: number,
  ) {}

  /** False once no chunk ending before this one's `last` can matter. */
  wants(c: StoredChunk): boolean {
    return this.found.length <= this.limit || c.last >= this.found[this.limit].p.ts;
  }

  add(c: StoredChunk): void {
    const chunk = -this.chunks++; // an older chunk ranks lower
    pointsOf(c).forEach((p, i) => {
      if (p.ts >= this.w.from && p.ts <= this.w.to) this.found.push({ p, chunk, i });
    });
    if (this.found.length > this.limit) {
      this.found.sort((a, b) => arrivalOrder(b, a));
      this.found.length = this.limit + 1;
    }
  }

  result(): { points: HistoryPoint[]; truncated: boolean } {
    const sorted = this.found.sort(arrivalOrder).map((f) => f.p);
    const truncated = sorted.length > this.limit;
    return { points: truncated ? sorted.slice(1) : sorted, truncated };
  }
}

/** Oldest first: by time, values of one millisecond in the order they arrived. */
const arrivalOrder = (
  a: { p: HistoryPoint; chunk: number; i: number },
  b: { p: HistoryPoint; chunk: number; i: number },
): number => a.p.ts - b.p.ts || a.chunk - b.chunk || a.i - b.i;

/** Epoch-aligned buckets of a window: min, max, avg over numbers, count over all values. */
export class Buckets {
  private readonly byStart = new Map<number, HistoryBucket & { sum: number; numbers: number }>();
  constructor(
    private readonly w: HistoryWindow,
    private readonly bucketMs: number,
  ) {}

  add(c: StoredChunk): void {
    for (const { ts, value } of pointsOf(c)) {
      if (ts < this.w.from || ts > this.w.to) continue;
      const start = ts - (ts % this.bucketMs);
      let b = this.byStart.get(start);
      if (!b) this.byStart.set(start, (b = { start, min: null, max: null, avg: null, count: 0, sum: 0, numbers: 0 }));
      b.count++;
      if (typeof value !== 'number') continue;
      b.min = b.min === null || value < b.min ? value : b.min;
      b.max = b.max === null || value > b.max ? value : b.max;
      b.sum += value;
      b.numbers++;
    }
  }

  result(): HistoryBucket[] {
    return [...this.byStart.values()]
      .sort((a, b) => a.start - b.start)
      .map(({ start, min, max, sum, numbers, count }) => ({
        start,
        min,
        max,
        avg: numbers ? sum / numbers : null,
        count,
      }));
  }
}

/**
 * Keeping a datastream's newest `keep` values, chunks read newest first: what to do with each — keep it, delete
 * it, or (the chunk on the boundary) keep only its newest `room` values (newestOf).
 */
export class KeepNewest {
  private held = 0;
  constructor(private readonly keep: number) {}

  next(n: number): 'keep' | 'delete' | { room: number } {
    const room = this.keep - this.held;
    this.held += n;
    if (room >= n) return 'keep';
    return room <= 0 ? 'delete' : { room };
  }
}

/** The chunk with its newest `room` values only: by time, the arrival order breaking ties. */
export function newestOf(c: StoredChunk, room: number): StoredChunk {
  const order = pointsOf(c)
    .map((p, i) => ({ ts: p.ts, i }))
    .sort((a, b) => b.ts - a.ts || b.i - a.i)
    .slice(0, room);
  const kept = new Set(order.map((o) => o.i));
  return rechunk(c, (_p, i) => kept.has(i))!;
}

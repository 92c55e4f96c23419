export const DATASTREAM_HISTORY_REPOSITORY = Symbol('DatastreamHistoryRepository');

/** One stored datastream value: the organization, device and datastream it belongs to, and when it arrived. */
export interface HistoryRow {
  orgId: number;
  deviceId: string;
  name: string;
  ts: number;
  value: unknown;
}

/** Values of one datastream, in arrival order: `ts[i]` is when `values[i]` arrived. */
export interface HistorySeries {
  orgId: number;
  deviceId: string;
  name: string;
  ts: number[];
  values: unknown[];
}

export interface HistoryPoint {
  ts: number;
  value: unknown;
}

/** One datastream's values within [from, to] (both inclusive, ms). */
export interface HistoryWindow {
  orgId: number;
  deviceId: string;
  name: string;
  from: number;
  to: number;
}

/** A bucket of a window: `start` is a multiple of its width (epoch aligned); min/max/avg over numbers only. */
export interface HistoryBucket {
  start: number;
  min: number | null;
  max: number | null;
  avg: number | null;
  count: number;
}

/** What an organization chose; null: the global cap (HISTORY_MAX_AGE_DAYS, HISTORY_MAX_POINTS_PER_DATASTREAM). */
export interface HistoryRetention {
  orgId: number;
  retentionDays: number | null;
  maxPointsPerDatastream: number | null;
}

/** The datastream values of every device over time (devices/history/), one file per driver in storage/. */
export interface DatastreamHistoryRepository {
  /**
   * One flush in one write (one transaction, one insertMany). Drivers store a datastream's values in chunks of
   * many values each (as MongoDB's time-series buckets do), so a busy datastream costs one row per chunk.
   */
  append(series: HistorySeries[]): Promise<void>;
  /** The newest `limit` values of the window, ascending; `truncated` when the window held more. */
  range(w: HistoryWindow, limit: number): Promise<{ points: HistoryPoint[]; truncated: boolean }>;
  /** The window's non-empty buckets of `bucketMs`, ascending. */
  buckets(w: HistoryWindow, bucketMs: number): Promise<HistoryBucket[]>;
  /** Deletes the organization's values older than `before`, stopping once about `max` went; returns how many. */
  pruneOlderThan(orgId: number, before: number, max: number): Promise<number>;
  /** How many values the datastream holds. */
  count(deviceId: string, name: string): Promise<number>;
  /** Deletes the datastream's rows beyond its newest `keep`; returns how many went. */
  pruneBeyond(deviceId: string, name: string, keep: number): Promise<number>;
  deleteDevice(orgId: number, deviceId: string): Promise<void>;
  retention(orgId: number): Promise<HistoryRetention | null>;
  /** Every organization's retention that differs from the global cap. */
  allRetention(): Promise<HistoryRetention[]>;
  setRetention(r: HistoryRetention): Promise<void>;
}

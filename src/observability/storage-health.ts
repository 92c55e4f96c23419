export const STORAGE_HEALTH = Symbol('StorageHealth');

/** What /health asks of the storage driver in use. */
export interface StorageHealth {
  readonly driver: 'sqlite' | 'mongo';
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  /**
   * Resolves when the store takes a real write (SQLite: a file written and synced in DATA_DIR, then a row; a
   * full disk or a read-only folder fails it, where a read would still answer). Callers bound its time.
   */
  probeWrite(): Promise<void>;
}

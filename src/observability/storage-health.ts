export const STORAGE_HEALTH = Symbol('StorageHealth');

/** What /health asks of the storage driver in use. */
export interface StorageHealth {
  readonly driver: 'sqlite' | 'mongo';
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
}

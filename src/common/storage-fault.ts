import { UnopenableSecretError } from './secret-box.js';

/** Why the store refused a write or a read (full, read-only, unreachable), as a REST client or health reads it. */
export interface StorageFault {
  code: string;
  message: string;
}

const SQLITE: [RegExp, string][] = [
  [/^SQLITE_FULL/, 'the disk holding DATA_DIR is full'],
  [/^SQLITE_READONLY/, 'the SQLite file in DATA_DIR is read-only'],
  [/^SQLITE_IOERR/, 'the disk holding DATA_DIR failed a read or write'],
  [/^SQLITE_CANTOPEN/, 'the SQLite file in DATA_DIR cannot be opened'],
  [/^SQLITE_BUSY/, 'the SQLite file is locked by another process'],
];

const MONGO_UNREACHABLE =
  /^Mongo(oseServerSelection|ServerSelection|Network|NetworkTimeout|NotConnected|TopologyClosed|PoolCleared)Error$/;

/**
 * A storage failure that is no fault of the request (the store is full, read-only or unreachable), or null for
 * anything else. Such a request is answered 503 naming the cause, never a bare 500.
 */
export function storageFault(err: unknown): StorageFault | null {
  const e = err as { code?: unknown; name?: string; message?: string } | null;
  if (!e || typeof e !== 'object') return null;
  const code = typeof e.code === 'string' ? e.code : '';
  for (const [pattern, why] of SQLITE) if (pattern.test(code)) return { code, message: `${why} (${code})` };
  if (e.name && MONGO_UNREACHABLE.test(e.name))
    return { code: e.name, message: `MongoDB is unreachable (${e.message})` };
  // mongoose queues an operation while disconnected and fails it after bufferTimeoutMS.
  if (e.name === 'MongooseError' && /buffering timed out/.test(e.message ?? ''))
    return { code: 'MongoBufferingTimeout', message: `MongoDB is unreachable (${e.message})` };
  if (/^(ENOSPC|EROFS|EACCES|EPERM|EIO|EDQUOT)$/.test(code))
    return { code, message: `DATA_DIR cannot be written (${code})` };
  if (err instanceof UnopenableSecretError) return { code: 'ConfigurationError', message: err.message };
  return null;
}

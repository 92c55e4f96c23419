import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';

/**
 * `uri` with its database replaced by `db` (host list, credentials and options kept). Works for
 * mongodb:// and mongodb+srv:// URIs with several hosts, which `new URL` does not parse.
 */
export function withDatabase(uri: string, db: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!m) throw new Error(`not a MongoDB URI: ${uri}`);
  return `${m[1]}/${db}${m[2] ?? ''}`;
}

/**
 * A database of its own for one suite on the server of MONGODB_URI (FerretDB started by
 * test/support/global-setup.ts, or a real MongoDB you pointed it at), so suites never see each
 * other's data; undefined when there is no server. Drop it with dropDatabase() when done.
 */
export function mongoTestUri(label: string): string | undefined {
  const base = process.env.MONGODB_URI;
  if (!base) return undefined;
  const safe = label.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 24);
  return withDatabase(base, `gwtest_${safe}_${randomBytes(4).toString('hex')}`);
}

export async function dropDatabase(uri: string): Promise<void> {
  const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    await conn.dropDatabase();
  } finally {
    await conn.close();
  }
}

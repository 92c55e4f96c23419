import type { Model } from 'mongoose';
import { DuplicateKeyError } from '../../common/duplicate-key.error.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- documents are typed by the ports, not by mongoose
export type AnyModel = Model<any>;

/**
 * E11000 is MongoDB's duplicate key. FerretDB v1 (SQLite backend) gives 11000 on inserts only: an update that
 * breaks a unique index comes back as code 1 "UNIQUE constraint failed: index ...". Both mean the same here.
 */
const isDuplicate = (err: unknown): boolean => {
  const e = err as { code?: number; message?: string };
  return e.code === 11000 || (e.code === 1 && /UNIQUE constraint failed/.test(e.message ?? ''));
};

/** Runs a write, turning MongoDB's E11000 into the ports' DuplicateKeyError. */
export async function unique<T>(key: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isDuplicate(e)) throw new DuplicateKeyError(key);
    throw e;
  }
}

/** A stored document as the domain sees it: `_id` becomes `id`. */
export const strip = <T>(o: Record<string, unknown> | null): T | null => {
  if (!o) return null;
  const { _id, ...rest } = o;
  return { id: _id, ...rest } as T;
};

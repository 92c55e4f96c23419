import type { Model } from 'mongoose';
import { DuplicateKeyError } from '../../common/duplicate-key.error.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- documents are typed by the ports, not by mongoose
export type AnyModel = Model<any>;

/**
 * E11000 is MongoDB's duplicate key. FerretDB v1 (SQLite backend) gives 11000 on inserts only: an update that
 * breaks a unique index comes back as code 1 "UNIQUE constraint failed: index ...". Both mean the same here.
 */
export const isDuplicate = (err: unknown): boolean => {
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

type WriteError = { index: number; code: number };

/**
 * Inserts each document unless its `_id` (or another unique key) is taken, and returns the indexes of those
 * that were: the one write that arbitrates between instances on MongoDB and FerretDB alike (see ids.ts).
 * `ordered: false` goes on after a duplicate and reports each failed row by its index on both servers.
 */
export async function insertUnlessTaken(m: AnyModel, docs: Record<string, unknown>[]): Promise<Set<number>> {
  if (docs.length === 0) return new Set();
  try {
    await m.collection.insertMany(docs, { ordered: false });
    return new Set();
  } catch (e) {
    const failures = ([] as WriteError[]).concat((e as { writeErrors?: WriteError | WriteError[] }).writeErrors ?? []);
    if (failures.length === 0 || failures.some((f) => f.code !== 11000)) throw e;
    return new Set(failures.map((f) => f.index));
  }
}

/** A stored document as the domain sees it: `_id` becomes `id`. */
export const strip = <T>(o: Record<string, unknown> | null): T | null => {
  if (!o) return null;
  const { _id, ...rest } = o;
  return { id: _id, ...rest } as T;
};

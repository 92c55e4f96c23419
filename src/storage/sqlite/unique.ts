import { DuplicateKeyError } from '../../common/duplicate-key.error.js';

export type Row = Record<string, unknown>;

/** Runs a write, turning SQLite's unique-constraint failure into the ports' DuplicateKeyError. */
export function unique<T>(key: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code?.startsWith('SQLITE_CONSTRAINT_UNIQUE') || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
      throw new DuplicateKeyError(key);
    throw err;
  }
}

export const parseDocs = <T>(rows: unknown[]): T[] => (rows as { doc: string }[]).map((r) => JSON.parse(r.doc) as T);

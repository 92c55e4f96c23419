import type { FerretDb } from './ferretdb-global-setup.js';

/** Jest globalTeardown: stops the FerretDB that ferretdb-global-setup.ts started (if it did). */
export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __FERRETDB__?: FerretDb };
  await g.__FERRETDB__?.stop();
  delete g.__FERRETDB__;
}

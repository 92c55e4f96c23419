import type { FerretDb } from './global-setup.js';

/** Jest globalTeardown: stops the FerretDB that global-setup.ts started (if it did). */
export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __FERRETDB__?: FerretDb };
  await g.__FERRETDB__?.stop();
  delete g.__FERRETDB__;
}

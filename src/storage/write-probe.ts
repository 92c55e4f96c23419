import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { storageFault } from '../common/storage-fault.js';
import type { StorageHealth } from '../observability/storage-health.js';
import type { StorageDriver } from './storage-driver.js';

/** A page's worth: a full disk refuses it even where it still has room for a few bytes of metadata. */
const PROBE_BYTES = Buffer.alloc(8192, 0x2e);

/**
 * /health/ready's write probe. SQLite: a file in DATA_DIR written, synced and removed (a read-only folder or a
 * full disk fails it; an open SQLite file could still take a small write into WAL space it already owns),
 * then this instance's row in gateway_meta. MongoDB: this instance's document in gateway_meta.
 */
export function storageHealth(driver: StorageDriver, dataDir: string, instanceId: string): StorageHealth {
  const file = join(dataDir, `.health-probe-${process.pid}`);
  const writeFile = async () => {
    const fh = await open(file, 'w');
    try {
      await fh.write(PROBE_BYTES);
      await fh.sync();
    } finally {
      await fh.close();
      await unlink(file).catch(() => undefined);
    }
  };
  return {
    driver: driver.name,
    ping: () => driver.ping(),
    async probeWrite() {
      try {
        if (driver.name === 'sqlite') await writeFile();
        await driver.meta.put(`health_probe:${instanceId}`, String(Date.now()));
      } catch (err) {
        // Said as REST says it (disk full, read-only, MongoDB unreachable), naming the cause.
        const fault = storageFault(err);
        throw fault ? new Error(fault.message) : err;
      }
    },
  };
}

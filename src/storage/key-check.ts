import type { SecretBox } from '../common/secret-box.js';
import { StartupError } from '../startup-failure.js';
import type { StorageDriver } from './storage-driver.js';

/**
 * Every instance on one database must seal and open secrets with one key. The first start records the key's
 * check (SecretBox.keyCheck: an HMAC of a constant, not the key); an instance whose key gives another check
 * refuses to start, naming GATEWAY_SECRET_KEY, instead of failing every delivery of the webhooks the others
 * sealed. A database from before the check records it only if this key opens a stored webhook secret.
 */
export async function checkSecretKey(driver: StorageDriver, box: SecretBox, keyGiven: boolean): Promise<void> {
  const mine = box.keyCheck();
  const stored = await driver.meta.get(KEY_CHECK);
  if (stored === null) {
    const sealed = (await driver.webhooks.all()).find((w) => w.secret)?.secret;
    if (sealed !== undefined && !opens(box, sealed)) throw mismatch(keyGiven, 'its webhook secrets were sealed');
    const recorded = await driver.meta.putIfAbsent(KEY_CHECK, mine);
    if (recorded !== mine) throw mismatch(keyGiven, 'another instance recorded its key as this one started');
  } else if (stored !== mine) throw mismatch(keyGiven, 'its secrets were sealed');
}

const KEY_CHECK = 'secret_key_check';

function opens(box: SecretBox, sealed: string): boolean {
  try {
    box.open(sealed);
    return true;
  } catch {
    return false;
  }
}

function mismatch(keyGiven: boolean, what: string): StartupError {
  const mine = keyGiven
    ? 'GATEWAY_SECRET_KEY is not the key'
    : 'GATEWAY_SECRET_KEY is not set, and the key this instance generated (DATA_DIR/secret.key) is not the key';
  return new StartupError(
    `Cannot start: ${mine} with which ${what} in this database. Set GATEWAY_SECRET_KEY to the key the other ` +
      'instances use (every instance on one database needs the same one).',
  );
}

import type { GatewayConfig } from '../config/gateway-config.js';
import type { StorageDriver } from './storage-driver.js';

/** The driver MONGODB_URI selects: MongoDB when set, else SQLite under DATA_DIR. Loaded on demand. */
export async function openStorage(
  config: Pick<GatewayConfig, 'MONGODB_URI' | 'DATA_DIR' | 'GATEWAY_INSTANCE_ID'>,
): Promise<StorageDriver> {
  if (config.MONGODB_URI)
    return (await import('./mongo/mongo.driver.js')).openMongo(config.MONGODB_URI, config.GATEWAY_INSTANCE_ID);
  return (await import('./sqlite/sqlite.driver.js')).openSqlite(config.DATA_DIR);
}

import type { DeploymentMode } from '../config/deployment-mode.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { StorageDriver } from './storage-driver.js';

/** The driver the deployment mode selects: MongoDB for a shared database, else SQLite under DATA_DIR. Loaded on demand. */
export async function openStorage(
  mode: Pick<DeploymentMode, 'databaseUrl'>,
  config: Pick<GatewayConfig, 'DATA_DIR' | 'GATEWAY_INSTANCE_ID'>,
): Promise<StorageDriver> {
  if (mode.databaseUrl)
    return (await import('./mongo/mongo.driver.js')).openMongo(mode.databaseUrl, config.GATEWAY_INSTANCE_ID);
  return (await import('./sqlite/sqlite.driver.js')).openSqlite(config.DATA_DIR);
}

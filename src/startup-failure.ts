import { accessSync, constants, mkdirSync } from 'node:fs';
import type { DeploymentMode } from './config/deployment-mode.js';
import type { GatewayConfig } from './config/gateway-config.js';

/** A start-up failure explained: its cause and the variable to change. */
export class StartupError extends Error {}

const hidePassword = (uri: string) => uri.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/**
 * DATA_DIR must be a writable folder (SQLite file, secret key file) whenever it is used: checked first, so a bad
 * one fails at once with its name instead of deep inside a driver.
 */
export function checkDataDir(
  config: Pick<GatewayConfig, 'DATA_DIR' | 'GATEWAY_SECRET_KEY'>,
  mode: Pick<DeploymentMode, 'sharedDatabase'>,
): void {
  if (mode.sharedDatabase && config.GATEWAY_SECRET_KEY) return; // nothing is written there
  try {
    mkdirSync(config.DATA_DIR, { recursive: true });
    accessSync(config.DATA_DIR, constants.W_OK | constants.X_OK);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new StartupError(
      `Cannot start: DATA_DIR=${config.DATA_DIR} is not a writable folder (${e.code ?? 'error'}: ${e.message}). ` +
        'Set DATA_DIR to a folder this user can write, or fix its permissions.',
    );
  }
}

/** The cause and the variable of an error thrown while starting; unknown errors keep their own message. */
export function explainStartupFailure(err: unknown, config: GatewayConfig, mode: DeploymentMode): StartupError {
  if (err instanceof StartupError) return err;
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  const message = e?.message ?? String(err);
  if (e?.code === 'EADDRINUSE' || e?.code === 'EACCES') {
    const variable =
      e.port === config.HTTP_PORT
        ? 'HTTP_PORT'
        : e.port === config.MQTT_PORT
          ? 'MQTT_PORT'
          : e.port === config.MQTT_TLS_PORT
            ? 'MQTT_TLS_PORT'
            : 'HTTP_PORT / MQTT_PORT';
    const why =
      e.code === 'EADDRINUSE' ? 'is already in use (another gateway running?)' : 'may not be opened by this user';
    return new StartupError(`Cannot start: port ${e.port} on ${e.address ?? 'this host'} ${why}. Change ${variable}.`);
  }
  if (e?.path && (e.path === config.MQTT_TLS_CERT || e.path === config.MQTT_TLS_KEY)) {
    const variable = e.path === config.MQTT_TLS_CERT ? 'MQTT_TLS_CERT' : 'MQTT_TLS_KEY';
    return new StartupError(`Cannot start: ${variable}=${e.path} cannot be read (${e.code}: ${message}).`);
  }
  if (mode.databaseUrl && /Mongo|ECONNREFUSED|ENOTFOUND|getaddrinfo/.test(`${e?.name} ${message}`)) {
    return new StartupError(
      `Cannot start: MongoDB at MONGODB_URI=${hidePassword(mode.databaseUrl)} is unreachable or refused us (${message}).`,
    );
  }
  if (/PEM|certificate|key/i.test(message) && config.MQTT_TLS_CERT)
    return new StartupError(`Cannot start: MQTT_TLS_CERT / MQTT_TLS_KEY are not a usable PEM pair (${message}).`);
  return new StartupError(`Cannot start: ${message}`);
}

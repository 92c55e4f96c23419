import 'reflect-metadata';
import { type Gateway, startGateway } from './gateway.js';

/** What a newcomer needs first: where everything listens, and (on a first start) the admin token, once. */
function banner(gateway: Gateway): string {
  const { config, mode, httpPort, mqttPort } = gateway;
  const host = (h: string) => (h === '0.0.0.0' || h === '::' ? 'localhost' : h);
  const http = `http://${host(config.HTTP_HOST)}:${httpPort}`;
  const lines = [
    'Device gateway ready',
    `  REST API        ${http}/api/v1/organization`,
    `  API docs        ${http}/docs   (OpenAPI JSON: ${http}/docs-json)`,
    `  Web console     ${http}/console`,
    `  health/metrics  ${http}/health  ${http}/metrics`,
    `  MQTT            mqtt://${host(config.MQTT_HOST)}:${mqttPort}`,
    `  MQTT over WS    ws://${host(config.HTTP_HOST)}:${httpPort}${config.MQTT_WS_PATH}`,
    ...(config.MQTT_TLS_CERT ? [`  MQTT over TLS   mqtts://${host(config.MQTT_HOST)}:${config.MQTT_TLS_PORT}`] : []),
    `  storage         ${mode.describeStorage(config.DATA_DIR)}`,
  ];
  if (gateway.generatedAdminToken) {
    const rule = '='.repeat(72);
    lines.push(
      '',
      rule,
      '  Admin API token (all.Organization of organization 1) - shown ONCE, store it now:',
      '',
      `    ${gateway.generatedAdminToken}`,
      '',
      '  Use it as "Authorization: Bearer <token>". Set GATEWAY_ADMIN_TOKEN to choose your own.',
      rule,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A stop's bound: each writer waits a few seconds at most for storage (about 20 s in all when storage is
 * gone, docs/operations.md); should anything else hold the stop, the process exits anyway, saying so.
 */
const STOP_BOUND_MS = 25_000;

async function main(): Promise<void> {
  let gateway: Gateway;
  try {
    gateway = await startGateway(process.env);
  } catch (err) {
    // Configuration and start-up errors name their cause and the variable; print them plainly and stop.
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(banner(gateway));
  const stop = () => {
    setTimeout(() => {
      process.stderr.write(`stop did not finish within ${STOP_BOUND_MS} ms: exiting without it\n`);
      process.exit(1);
    }, STOP_BOUND_MS).unref();
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();

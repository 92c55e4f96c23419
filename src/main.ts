import 'reflect-metadata';
import { startGateway } from './gateway.js';

async function main(): Promise<void> {
  let gateway;
  try {
    gateway = await startGateway(process.env);
  } catch (err) {
    // A configuration error names the variable; print it plainly and stop.
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  const { config, httpPort, mqttPort } = gateway;
  const storage = config.MONGODB_URI ? 'MongoDB' : `SQLite in ${config.DATA_DIR}`;
  process.stdout.write(
    `Device gateway ready: HTTP http://localhost:${httpPort} (docs /docs), MQTT mqtt://localhost:${mqttPort}, ` +
      `MQTT over WebSocket ws://localhost:${httpPort}${config.MQTT_WS_PATH}, storage ${storage}\n`,
  );
  if (gateway.generatedAdminToken)
    process.stdout.write(`Admin API token (shown once): ${gateway.generatedAdminToken}\n`);
  const stop = () => {
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();

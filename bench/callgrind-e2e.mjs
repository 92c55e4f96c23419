// Instructions a gateway spends on N QoS 1 messages → N signed callbacks, immune to the shared box's load: the
// built gateway (or another build's dist/main.js) under valgrind's callgrind, one device, one webhook, the
// receiver in its own process. `node bench/callgrind-e2e.mjs <dist/main.js> <callgrind out file> <N>`, then
// `callgrind_annotate <out file>`; compare two builds (or N and 0 messages) per message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, benchDir, gatewayAddresses, sleep, start, startReceiver, stopProcess } from './lib/procs.mjs';

const [main = join(benchDir, '../dist/main.js'), out = 'callgrind.out.gateway', nArg = '3000'] = process.argv.slice(2);
const N = Number(nArg);
const rx = await startReceiver();
const dir = mkdtempSync(join(tmpdir(), 'gw-callgrind-'));
const env = {
  DATA_DIR: dir,
  HTTP_PORT: '0',
  MQTT_PORT: '0',
  HTTP_HOST: '127.0.0.1',
  MQTT_HOST: '127.0.0.1',
  GATEWAY_ADMIN_TOKEN: ADMIN,
  LOG_LEVEL: 'warn',
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
  WEBHOOK_CONCURRENCY: '64',
  WEBHOOK_TIMEOUT_MS: '60000', // valgrind slows the gateway ~50 times
};
const proc = start('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, 'node', main], env, {
  stderr: 'ignore',
});
const { http, mqtt: mqttUrl } = await gatewayAddresses(proc);
const api = async (path, body) =>
  (
    await fetch(`${http}/api/v1/organization${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).json();
const d = await api('/devices', { id: 'cg-0', name: 'callgrind' });
await api('/webhooks', {
  name: 'callgrind',
  trigger: 'DEVICE_DATASTREAM_UPDATE',
  url: `${rx.url}/e2e`,
  body: '{"t": {device_pinValue}}',
  dataTrigger: { deviceId: d.id, dataStream: 't' },
});
await rx.reset();
if (N > 0) {
  const args = [mqttUrl, d.id, d.token, d.id, String(N), '1', '64', 'time', 't'];
  const p = start('node', [join(benchDir, 'load/publisher.mjs'), ...args]);
  await p.waitFor(/^ready/);
  p.stdin.write('go\n');
  await p.waitFor(/^done/);
  while (((await rx.stats()).counts['/e2e'] ?? 0) < N) await sleep(100);
}
await sleep(1000); // the delivery log's last window
await stopProcess(proc);
rx.proc.kill();
rmSync(dir, { recursive: true, force: true });
console.log(`${N} messages: callgrind output in ${out}`);
process.exit(0);

// bench:outage — issue 18 §4 with the real settings: one webhook with the default failureLimit (10) and the
// default retry schedule, values published at OUTAGE_RATE/s (default 100) over MQTT QoS 1 by a real client,
// and the receiver really down (its port closed: connections refused) for OUTAGE_SECONDS (default 120) in
// the middle. Prints how many acknowledged values were delivered (distinct, by value), how many attempts the
// gateway made while the receiver was down (the circuit breaker's probes, against one per matched event
// before), the webhook's status and failureCount after the outage, and how long after it the last value came
// (the probe after the outage goes on the default schedule: 5 s, then 5 min after the failure that opened it).
// Before the breaker the webhook was disabled within the outage's first second and every value matched after
// it produced no delivery at all.
import 'reflect-metadata';
import { createServer } from 'node:http';
import mqtt from 'mqtt';
import { sleep, startGateway } from './lib/procs.mjs';

const RATE = Number(process.env.OUTAGE_RATE ?? 100);
const OUTAGE_S = Number(process.env.OUTAGE_SECONDS ?? 120);
const BEFORE_S = 10;
const AFTER_S = 10;
const DEADLINE_S = Number(process.env.OUTAGE_DEADLINE_SECONDS ?? 900); // after the outage, for the last value

// The receiver, in this process: records each value once; `down` closes its port.
const delivered = new Set();
let requests = 0;
let last = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    requests++;
    delivered.add(JSON.parse(Buffer.concat(chunks).toString()).eventDescription);
    last = Date.now();
    res.end('ok');
  });
});
server.keepAliveTimeout = 60_000;
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;
const down = () =>
  new Promise((r) => {
    server.close(r);
    server.closeAllConnections();
  });
const up = () => new Promise((r) => server.listen(port, '127.0.0.1', r));

const gw = await startGateway({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_TARGETS: '127.0.0.1' });
const device = await gw.api('POST', '/devices', { id: 'outage-1', name: 'outage' });
const hook = await gw.api('POST', '/webhooks', {
  name: 'outage',
  trigger: 'DEVICE_LOG_EVENT',
  url: `http://127.0.0.1:${port}/outage`,
  dataTrigger: { deviceId: device.id, eventCode: 'tick' },
});
const webhook = () => gw.api('GET', `/webhooks/${hook.id}`);
const client = await new Promise((resolve, reject) => {
  const c = mqtt.connect(gw.mqttUrl, { username: device.id, password: device.token, reconnectPeriod: 0 });
  c.once('connect', () => resolve(c));
  c.once('error', reject);
});

// Publishing at RATE/s for BEFORE + OUTAGE + AFTER seconds; a value counts once its PUBACK came.
let acknowledged = 0;
let sent = 0;
const total = (BEFORE_S + OUTAGE_S + AFTER_S) * RATE;
const t0 = Date.now();
const publishing = new Promise((resolve) => {
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * RATE));
    for (; sent < due; sent++)
      client.publish(`devices/${device.id}/event/tick`, `v${sent}`, { qos: 1 }, (err) => {
        if (!err && ++acknowledged === total) resolve();
      });
    if (sent === total) clearInterval(timer);
  }, 10);
});

await sleep(BEFORE_S * 1000);
const attemptsBefore = (await webhook()).attemptCount;
await down();
process.stderr.write(`receiver down at ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
await sleep(OUTAGE_S * 1000);
const during = await webhook();
await up();
const outageEnd = Date.now();
process.stderr.write(`receiver up at ${((outageEnd - t0) / 1000).toFixed(1)} s\n`);
await publishing;

while (delivered.size < total && Date.now() - outageEnd < DEADLINE_S * 1000) {
  await sleep(1000);
  if ((Date.now() - outageEnd) % 30_000 < 1000)
    process.stderr.write(`  ${delivered.size} of ${total} delivered, ${(Date.now() - outageEnd) / 1000} s after\n`);
}
const after = await webhook();
const lastSeconds = delivered.size ? ((last - outageEnd) / 1000).toFixed(1) : '-';
process.stdout.write(
  `bench:outage — ${RATE} values/s, receiver down ${OUTAGE_S} s, default failureLimit and retry schedule\n` +
    `  acknowledged ${acknowledged}, delivered ${delivered.size} (${((delivered.size / acknowledged) * 100).toFixed(2)}%), ` +
    `requests ${requests}\n` +
    `  attempts while down: ${during.attemptCount - attemptsBefore} for ${OUTAGE_S * RATE} values matched ` +
    `(before the breaker: one per value until the 10th disabled the webhook)\n` +
    `  webhook at the end of the outage: ${during.status}, failureCount ${during.failureCount}; ` +
    `now ${after.status}, failureCount ${after.failureCount}\n` +
    `  last value delivered ${lastSeconds} s after the receiver came back\n`,
);
await new Promise((r) => client.end(false, {}, r));
await gw.stop();
gw.remove();
server.close();
process.exit(delivered.size === acknowledged ? 0 : 1);

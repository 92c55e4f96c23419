// bench:soak — a steady mixed load for SOAK_SECONDS (default 600): datastream values at QoS 0 and 1, some
// matched by a webhook and some by none, devices flapping online/offline (matched by a status webhook), and
// deliveries to a receiver that fails every 10th request (retried on a short schedule). Every SOAK_SAMPLE_S the
// gateway is garbage-collected (through the inspector) and its /metrics read. Prints heap and RSS drift per
// hour after the warm-up (least-squares slope), the event-loop delay p99 (prom-client's monitorEventLoopDelay
// histogram in the gateway, one window per sample), and the accounting invariant: every matched event sits in
// exactly one delivery bucket, and the delivered ones are what the receiver acknowledged.
import 'reflect-metadata';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ADMIN, benchDir, median, sleep, start, startGateway, startReceiver } from './lib/procs.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 10);
const WARMUP_S = Number(process.env.SOAK_WARMUP_S ?? Math.min(120, SECONDS / 5));
const STEADY = Number(process.env.SOAK_DEVICES ?? 10);
const RATE = Number(process.env.SOAK_RATE ?? 20); // `t` messages per device per second
const FLAPPING = Number(process.env.SOAK_FLAPPING ?? 5);
const INSPECT_PORT = 20000 + Math.floor(Math.random() * 20000);

const rx = await startReceiver();
const gw = await startGateway(
  {
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
    WEBHOOK_RETRY_SCHEDULE_MS: '0,500,1000,2000',
  },
  { nodeArgs: [`--inspect=127.0.0.1:${INSPECT_PORT}`] },
);

async function collectGarbage() {
  const [target] = await (await fetch(`http://127.0.0.1:${INSPECT_PORT}/json/list`)).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((r) => ws.once('open', r));
  let id = 0;
  const call = (method) =>
    new Promise((resolve) => {
      const mine = ++id;
      ws.on('message', (m) => JSON.parse(m).id === mine && resolve());
      ws.send(JSON.stringify({ id: mine, method }));
    });
  await call('HeapProfiler.enable');
  await call('HeapProfiler.collectGarbage');
  ws.close();
}

async function metrics() {
  const text = await (await fetch(`${gw.http}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  const one = (name) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
  const buckets = {};
  for (const m of text.matchAll(/^gateway_deliveries\{bucket="([^"]+)",reason="([^"]*)"\} ([0-9.e+-]+)$/gm))
    buckets[m[1]] = (buckets[m[1]] ?? 0) + Number(m[3]);
  return {
    heap: one('nodejs_heap_size_used_bytes'),
    heapTotal: one('nodejs_heap_size_total_bytes'),
    external: one('nodejs_external_memory_bytes'),
    rss: one('process_resident_memory_bytes'),
    loopP99: one('nodejs_eventloop_lag_p99_seconds') * 1000,
    buckets,
  };
}

const steady = [];
const flapping = [];
for (let i = 0; i < STEADY; i++) steady.push(await gw.api('POST', '/devices', { id: `soak-${i}`, name: `soak ${i}` }));
for (let i = 0; i < FLAPPING; i++)
  flapping.push(await gw.api('POST', '/devices', { id: `flap-${i}`, name: `flap ${i}` }));
for (const d of steady)
  await gw.api('POST', '/webhooks', {
    name: `soak values ${d.id}`,
    trigger: 'DEVICE_DATASTREAM_UPDATE',
    url: `${rx.url}/flaky-values`,
    body: '{"t": {device_pinValue}}',
    dataTrigger: { deviceId: d.id, dataStream: 't' },
    failureLimit: 1000,
  });
await gw.api('POST', '/webhooks', {
  name: 'soak status',
  trigger: 'DEVICE_STATUS',
  url: `${rx.url}/flaky-status`,
  dataTrigger: { statuses: ['online', 'offline', 'utilizing', 'unplugged'], deviceIds: flapping.map((d) => d.id) },
  failureLimit: 1000,
});

const creds = (ds) => ds.map((d) => ({ id: d.id, token: d.token }));
const load = start('node', [
  join(benchDir, 'load/soak-devices.mjs'),
  gw.mqttUrl,
  JSON.stringify({ steady: creds(steady), flapping: creds(flapping) }),
  String(RATE),
  '2000',
]);
await load.waitFor(/^ready/);
await metrics(); // starts the first event-loop window
load.stdin.write('go\n');
const t0 = Date.now();
const samples = [];
while (Date.now() - t0 < SECONDS * 1000) {
  await sleep(SAMPLE_S * 1000);
  const loopP99 = (await metrics()).loopP99; // the window since the last sample, before the forced GC
  await collectGarbage();
  await sleep(200); // the pause of the forced GC lands in the window this read discards
  const m = await metrics();
  samples.push({ s: (Date.now() - t0) / 1000, ...m, loopP99 });
  process.stderr.write(
    `  ${samples.at(-1).s.toFixed(0)} s: heap ${(m.heap / 2 ** 20).toFixed(1)} MiB (of ${(m.heapTotal / 2 ** 20).toFixed(1)}), ` +
      `external ${(m.external / 2 ** 20).toFixed(1)} MiB, rss ${(m.rss / 2 ** 20).toFixed(0)} MiB, loop p99 ${loopP99.toFixed(1)} ms\n`,
  );
}
load.stdin.write('stop\n');
const [, sentT, statusEvents, sentU] = (await load.waitFor(/^stopped/)).split(' ').map(Number);

// Settle: every retry finished (the schedule is short), nothing left retrying.
let final;
for (let i = 0; i < 100; i++) {
  await sleep(300);
  final = await metrics();
  if (!final.buckets.retrying) break;
}
const stats = await rx.stats();
await gw.stop();
gw.remove();
rx.proc.kill();

/** Least-squares slope of `key` over the samples after the warm-up, as % of its mean per hour. */
function driftPerHour(key) {
  const xs = samples.filter((x) => x.s >= WARMUP_S);
  if (xs.length < 3) return NaN;
  const mx = xs.reduce((a, x) => a + x.s, 0) / xs.length;
  const my = xs.reduce((a, x) => a + x[key], 0) / xs.length;
  const slope = xs.reduce((a, x) => a + (x.s - mx) * (x[key] - my), 0) / xs.reduce((a, x) => a + (x.s - mx) ** 2, 0);
  return ((slope * 3600) / my) * 100;
}

const matched = sentT + statusEvents;
const inBuckets = Object.values(final.buckets).reduce((a, b) => a + b, 0);
const acked = (stats.counts['/flaky-values'] ?? 0) + (stats.counts['/flaky-status'] ?? 0);
const failedAnswers = (stats.failed['/flaky-values'] ?? 0) + (stats.failed['/flaky-status'] ?? 0);
const loop = samples.map((x) => x.loopP99);
console.log(
  `\nsoak: ${SECONDS} s, ${STEADY} devices × ${RATE} msg/s (QoS 0 and 1) + ${FLAPPING} flapping devices, receiver failing every 10th request`,
);
console.log(
  `heap ${(samples[0].heap / 2 ** 20).toFixed(1)} → ${(samples.at(-1).heap / 2 ** 20).toFixed(1)} MiB, drift ${driftPerHour('heap').toFixed(1)} %/h after ${WARMUP_S} s warm-up; ` +
    `RSS ${(samples[0].rss / 2 ** 20).toFixed(0)} → ${(samples.at(-1).rss / 2 ** 20).toFixed(0)} MiB, drift ${driftPerHour('rss').toFixed(1)} %/h`,
);
console.log(
  `  (drift of the V8 heap reserved ${driftPerHour('heapTotal').toFixed(1)} %/h, of external memory ${driftPerHour('external').toFixed(1)} %/h)`,
);
console.log(
  `event-loop delay p99 per ${SAMPLE_S} s window: median ${median(loop).toFixed(1)} ms, worst ${Math.max(...loop).toFixed(1)} ms`,
);
console.log(
  `accounting: ${matched} matched events (${sentT} values, ${statusEvents} status changes; ${sentU} unmatched values), ` +
    `${inBuckets} in buckets ${JSON.stringify(final.buckets)} → ${inBuckets === matched ? 'holds' : 'BROKEN'}; ` +
    `receiver acknowledged ${acked} (and failed ${failedAnswers}), delivered bucket ${final.buckets.delivered ?? 0} → ${acked === (final.buckets.delivered ?? 0) ? 'holds' : 'BROKEN'}`,
);

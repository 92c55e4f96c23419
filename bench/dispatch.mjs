// bench:dispatch — the dispatcher against a raw undici loop, same receiver process, same run:
//  1. deliveries/s from a preloaded outbox vs raw undici POSTs (64 in flight each), with the undici and axios clients;
//  2. publish→callback latency p50/p99 at 1,000 msg/s (MQTT QoS 0 → webhook → receiver);
//  3. healthy endpoints' throughput with one hanging endpoint vs without.
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { Agent, request } from 'undici';

const N = Number(process.env.BENCH_DELIVERIES ?? 20000);
const CONCURRENCY = 64;
const ADMIN = 'bench-admin-token-0123456789abcdef';
const here = new URL('.', import.meta.url).pathname;
const { startGateway } = await import(join(here, '../dist/gateway.js'));
const { openSqlite } = await import(join(here, '../dist/storage/sqlite/sqlite.driver.js'));
const { newDelivery } = await import(join(here, '../dist/delivery/delivery.model.js'));

const receiverProc = fork(join(here, 'servers/receiver.mjs'));
const { port } = await new Promise((r) => receiverProc.once('message', r));
const RX = `http://127.0.0.1:${port}`;
const stats = async (latency = false) => (await fetch(`${RX}/stats${latency ? '?latency' : ''}`)).json();
const reset = () => fetch(`${RX}/reset`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const body = JSON.stringify({
  creationTime: new Date().toISOString(),
  eventType: 'DEVICE',
  eventActivity: 'datastream.update',
  deviceUdid: 'bench-device',
  pad: 'x'.repeat(150),
});

// What a callback carries besides its body (values of the same length as the gateway's).
const CALLBACK_HEADERS = {
  'content-type': 'application/json',
  'user-agent': 'device-gateway-webhooks/1',
  'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
  'webhook-signature': `v1,${'A'.repeat(43)}=`,
};

/** Waits until the receiver counted `n` requests on each path; returns deliveries/s from first to last. */
async function drained(paths, n) {
  for (;;) {
    const s = await stats();
    if (paths.every((p) => (s.counts[p] ?? 0) >= n)) return (paths.length * n) / ((s.last - s.first) / 1000);
    await sleep(20);
  }
}

async function rawUndici() {
  await reset();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const agent = new Agent({ connections: CONCURRENCY });
  let next = 0;
  const worker = async () => {
    while (next++ < N) {
      const res = await request(`${RX}/raw`, {
        dispatcher: agent,
        method: 'POST',
        body,
        headers: { ...CALLBACK_HEADERS, 'webhook-id': `msg_${randomUUID()}` },
      });
      await res.body.text();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  // (The same bytes as a callback: its headers included, so the receiver does the same work in both runs.)
  const rate = await drained(['/raw'], N);
  const c = process.cpuUsage(c0);
  if (process.env.BENCH_CPU)
    process.stderr.write(
      `  cpu ${((c.user + c.system) / 1000).toFixed(0)} ms over ${(performance.now() - t0).toFixed(0)} ms\n`,
    );
  rawCpu.push((c.user + c.system) / N);
  await agent.close();
  return rate;
}

const env = (dir, extra = {}) => ({
  HTTP_PORT: '0',
  MQTT_PORT: '0',
  HTTP_HOST: '127.0.0.1',
  MQTT_HOST: '127.0.0.1',
  DATA_DIR: dir,
  GATEWAY_ADMIN_TOKEN: ADMIN,
  LOG_LEVEL: 'warn',
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
  WEBHOOK_CONCURRENCY: String(CONCURRENCY),
  WEBHOOK_TIMEOUT_MS: '10000',
  ...extra,
});
const api = (gw, path, payload) =>
  fetch(`http://127.0.0.1:${gw.httpPort}/api/v1/organization${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  }).then((r) => r.json());

/**
 * A gateway whose outbox holds `perPath` deliveries for each path, dispatched from the moment it starts;
 * `cpu0` is this process's CPU time (process.cpuUsage) just before that start, after the preload, and `bootCpu`
 * what the first start (same configuration, empty outbox) took, to subtract.
 */
async function preloaded(paths, perPath, extra) {
  const dir = mkdtempSync(join(tmpdir(), 'gw-dispatch-'));
  const boot0 = process.cpuUsage();
  let gw = await startGateway(env(dir, extra), false);
  const boot = process.cpuUsage(boot0);
  const hooks = [];
  // The body as a template without placeholders: the raw loop sends the same bytes.
  for (const p of paths)
    hooks.push(await api(gw, '/webhooks', { name: `bench ${p}`, trigger: 'DEVICE_ADDED', url: `${RX}${p}`, body }));
  await gw.close();
  const storage = openSqlite(dir);
  const now = Date.now();
  for (const w of hooks) {
    await storage.deliveries.insertMany(
      Array.from({ length: perPath }, (_, i) =>
        newDelivery(
          {
            orgId: 1,
            webhookId: w.id,
            messageId: `msg_${w.id}_${i}`,
            event: 'device.added',
            deviceId: 'bench-device',
            // What the outbox writes: the event and the device as they were; rendered at each attempt.
            matched: {
              event: {
                orgId: 1,
                deviceId: 'bench-device',
                kind: 'device.added',
                key: '',
                value: null,
                ts: now,
                seq: i,
              },
              device: null,
            },
          },
          now,
        ),
      ),
    );
  }
  await storage.close();
  await reset();
  const cpu0 = process.cpuUsage();
  gw = await startGateway(env(dir, extra), false);
  return {
    gw,
    cpu0,
    bootCpu: boot.user + boot.system,
    stop: async () => {
      await gw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function gatewayThroughput(client = 'undici') {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const g = await preloaded(['/gw'], N, { WEBHOOK_HTTP_CLIENT: client });
  const rate = await drained(['/gw'], N);
  const c = process.cpuUsage(c0);
  const dispatched = process.cpuUsage(g.cpu0);
  if (client === 'undici') gwCpu.push((dispatched.user + dispatched.system - g.bootCpu) / N);
  if (process.env.BENCH_CPU)
    process.stderr.write(
      `  cpu ${((c.user + c.system) / 1000).toFixed(0)} ms over ${(performance.now() - t0).toFixed(0)} ms\n`,
    );
  await g.stop();
  return rate;
}

async function latency() {
  const dir = mkdtempSync(join(tmpdir(), 'gw-latency-'));
  const gw = await startGateway(env(dir), false);
  const device = await api(gw, '/devices', { id: 'lat-device', name: 'latency' });
  await api(gw, '/webhooks', {
    name: 'latency',
    trigger: 'DEVICE_DATASTREAM_UPDATE',
    url: `${RX}/lat`,
    body: '{"t": {device_pinValue}}',
    dataTrigger: { deviceId: device.id, dataStream: 't' },
  });
  const client = mqtt.connect(`mqtt://127.0.0.1:${gw.mqttPort}`, { username: device.id, password: device.token });
  await new Promise((r) => client.once('connect', r));
  // 1,000 msg/s, paced per millisecond; the first 2 s warm the code up and are not counted.
  const load = async (seconds) => {
    const total = seconds * 1000;
    let sent = 0;
    const t0 = performance.now();
    while (sent < total) {
      const due = Math.floor(performance.now() - t0);
      while (sent < Math.min(due, total)) {
        sent++;
        client.publish('devices/lat-device/ds/t', String(Date.now()), { qos: 0 });
      }
      await sleep(1);
    }
    return total;
  };
  await load(2);
  await sleep(200);
  await reset();
  await drained(['/lat'], await load(5));
  const l = (await stats(true)).latencies.sort((a, b) => a - b);
  client.end(true);
  await gw.close();
  rmSync(dir, { recursive: true, force: true });
  return { p50: l[Math.floor(l.length * 0.5)], p99: l[Math.floor(l.length * 0.99)], n: l.length };
}

async function isolation(withHanging) {
  const healthy = ['/h1', '/h2', '/h3', '/h4'];
  const per = Math.floor(N / 4);
  const g = await preloaded(withHanging ? [...healthy, '/hang'] : healthy, per, {});
  const rate = await drained(healthy, per);
  await g.stop();
  return rate;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratios = (a, b) => a.map((x, i) => x / b[i]);
const paired = (a, b) => median(ratios(a, b));
/** The spread of the per-round ratios, so noise on a shared machine shows. */
const spread = (a, b) => {
  const r = ratios(a, b);
  return `spread ${Math.min(...r).toFixed(2)}-${Math.max(...r).toFixed(2)} over ${r.length} rounds`;
};
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const raw = [],
  // CPU time of this process per delivery (µs; process.cpuUsage, the same clock as /proc/<pid>/stat): the
  // gateway's from its start on the preloaded outbox to the last callback received, less a start's own CPU
  // (measured on the empty outbox just before), the raw loop's per POST.
  // Steadier than the rates on a shared box: time spent waiting for a core does not count.
  rawCpu = [],
  gwCpu = [],
  gwRates = [],
  axiosRates = [],
  calm = [],
  stormy = [];
const progress = (what, v) => {
  process.stderr.write(
    `  ${what}: ${typeof v === 'number' ? v.toFixed(0) : JSON.stringify(v)} (load ${loadavg()[0].toFixed(2)})\n`,
  );
  return v;
};
const ONLY = process.env.BENCH_ONLY; // 'throughput', 'isolation' or 'latency': one figure only
/** p99 at 1,000 msg/s, ROUNDS times: the median p99 and the spread. */
async function latencyRounds() {
  const runs = [];
  for (let i = 0; i < ROUNDS; i++) runs.push(progress('latency', await latency()));
  const p99s = runs.map((r) => r.p99);
  return {
    p50: median(runs.map((r) => r.p50)),
    p99: median(p99s),
    min: Math.min(...p99s),
    max: Math.max(...p99s),
    n: runs[0].n,
  };
}
if (ONLY === 'latency') {
  const lat = await latencyRounds();
  console.log(
    `latency at 1,000 msg/s: p50 ${lat.p50} ms, p99 ${lat.p99} ms (spread ${lat.min}-${lat.max} over ${ROUNDS} rounds)`,
  );
  receiverProc.kill();
  process.exit(0);
}
// A warm-up round, not counted: the JIT has compiled neither the gateway's code nor undici's at first.
progress('warm-up raw undici/s', await rawUndici());
progress('warm-up gateway/s', await gatewayThroughput());
rawCpu.length = gwCpu.length = 0;
for (let i = 0; i < ROUNDS; i++) {
  if (ONLY === 'isolation') {
    calm.push(progress('4 healthy/s', await isolation(false)));
    stormy.push(progress('4 healthy + 1 hanging/s', await isolation(true)));
    continue;
  }
  if (ONLY === 'throughput') {
    raw.push(progress('raw undici/s', await rawUndici()));
    gwRates.push(progress('gateway (undici)/s', await gatewayThroughput()));
    continue;
  }
  raw.push(progress('raw undici/s', await rawUndici()));
  gwRates.push(progress('gateway (undici)/s', await gatewayThroughput()));
  axiosRates.push(progress('gateway (axios)/s', await gatewayThroughput('axios')));
  calm.push(progress('4 healthy/s', await isolation(false)));
  stormy.push(progress('4 healthy + 1 hanging/s', await isolation(true)));
}
if (ONLY === 'isolation') {
  const r = stormy.map((x, i) => x / calm[i]).sort((a, b) => a - b);
  console.log(`isolation: ratio ${r[r.length >> 1].toFixed(2)}x, spread ${r[0].toFixed(2)}-${r.at(-1).toFixed(2)}`);
  receiverProc.kill();
  process.exit(0);
}
/** CPU µs per delivery, median (min–max), and the paired ratio raw/gateway (the rate the CPU alone allows). */
const cpuLine = () => {
  const fmt = (xs) => `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})`;
  return `CPU µs per delivery: raw undici ${fmt(rawCpu)}, gateway ${fmt(gwCpu)}, raw/gateway ${paired(rawCpu, gwCpu).toFixed(2)}x, ${spread(rawCpu, gwCpu)}`;
};
if (ONLY === 'throughput') {
  console.log(
    `throughput: raw undici ${median(raw).toFixed(0)}/s, gateway ${median(gwRates).toFixed(0)}/s, ratio ${paired(gwRates, raw).toFixed(2)}x, ${spread(gwRates, raw)}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(cpuLine());
  receiverProc.kill();
  process.exit(0);
}
const lat = await latencyRounds();
console.log(
  `\ndispatch bench: ${N} deliveries, ${CONCURRENCY} in flight, receiver in its own process, ${ROUNDS} rounds (median)`,
);
// Ratios are paired per round (same minute, same machine state), then the median is taken.
console.log(
  `throughput: raw undici ${median(raw).toFixed(0)}/s, gateway ${median(gwRates).toFixed(0)}/s, ratio ${paired(gwRates, raw).toFixed(2)}x, ${spread(gwRates, raw)} (target >= 0.9x)`,
);
console.log(cpuLine());
console.log(
  `http client: the same gateway with axios (keep-alive agents) ${median(axiosRates).toFixed(0)}/s, ratio ${paired(axiosRates, raw).toFixed(2)}x`,
);
console.log(
  `latency at 1,000 msg/s (${lat.n} callbacks a round): p50 ${lat.p50} ms, p99 ${lat.p99} ms, spread ${lat.min}-${lat.max} ms over ${ROUNDS} rounds (target p99 <= 20 ms)`,
);
console.log(
  `isolation: 4 healthy endpoints ${median(calm).toFixed(0)}/s alone, ${median(stormy).toFixed(0)}/s beside a hanging one, ratio ${paired(stormy, calm).toFixed(2)}x, ${spread(stormy, calm)} (target >= 0.9x)`,
);
receiverProc.kill();
process.exit(0);

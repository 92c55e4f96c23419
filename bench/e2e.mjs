// bench:e2e — device messages in, signed callbacks out: publishers at QoS 1 (each message matches one webhook),
// the callback received by bench/servers/receiver.mjs in its own process. Baselines in the same process tree and
// the same rounds: bare Aedes QoS 1 ingest, a raw undici POST loop to the same receiver, and the ideal pipeline
// (bench/servers/ideal-pipeline.mjs: bare Aedes whose in-process subscriber signs and POSTs each message, no
// durability), the fair ceiling for a process doing both jobs on the same cores. The gateway runs twice per round:
// with only the matching webhooks, and with 10,000 more configured for other devices (BENCH_E2E_EXTRA_WEBHOOKS=0:
// once). Each round prints os.loadavg(). BENCH_E2E_COMPARE=<another build's dist/main.js> runs that build's gateway
// too, in the same rounds (before/after figures of a change). CPU per callback (/proc/<pid>/stat) is printed for
// the ideal pipeline and the gateways: the steadier figure on a shared box.
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import {
  benchDir,
  cpuMs,
  percentile,
  sleep,
  spread,
  start,
  startGateway,
  startReceiver,
  stopProcess,
} from './lib/procs.mjs';

const PUBLISHERS = Number(process.env.BENCH_PUBLISHERS ?? 2);
const PER_PUBLISHER = Number(process.env.BENCH_E2E_MESSAGES ?? 10000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const EXTRA_WEBHOOKS = Number(process.env.BENCH_E2E_EXTRA_WEBHOOKS ?? 10000);
const COMPARE = process.env.BENCH_E2E_COMPARE;
const CONCURRENCY = 64;
// BENCH_PROFILE=<dir>: the gateways run under --cpu-prof and write their profiles there on exit.
const nodeArgs = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : [];
const TOTAL = PUBLISHERS * PER_PUBLISHER;
const { openSqlite } = await import(join(benchDir, '../dist/storage/sqlite/sqlite.driver.js'));

const rx = await startReceiver();

async function publish(url, creds, deviceIds) {
  const pubs = [];
  for (let i = 0; i < PUBLISHERS; i++) {
    const args = [url, creds[i].user, creds[i].pass, deviceIds[i], String(PER_PUBLISHER), '1', '64', 'time', 't'];
    const p = start('node', [join(benchDir, 'load/publisher.mjs'), ...args]);
    await p.waitFor(/^ready/);
    pubs.push(p);
  }
  const t0 = performance.now();
  for (const p of pubs) p.stdin.write('go\n');
  await Promise.all(pubs.map((p) => p.waitFor(/^done/)));
  return performance.now() - t0;
}

async function bareAedes() {
  const p = start('node', [join(benchDir, 'servers/bare-aedes.mjs'), '0']);
  const port = Number((await p.waitFor(/^ready/)).split(' ')[1]);
  const anon = Array.from({ length: PUBLISHERS }, () => ({ user: '', pass: '' }));
  const ids = Array.from({ length: PUBLISHERS }, (_, i) => `bare-${i}`);
  const ms = await publish(`mqtt://127.0.0.1:${port}`, anon, ids);
  await stopProcess(p);
  return (TOTAL / ms) * 1000;
}

async function idealPipeline() {
  await rx.reset();
  const p = start('node', [join(benchDir, 'servers/ideal-pipeline.mjs'), `${rx.url}/ideal`, '0']);
  const port = Number((await p.waitFor(/^ready/)).split(' ')[1]);
  const anon = Array.from({ length: PUBLISHERS }, () => ({ user: '', pass: '' }));
  const ids = Array.from({ length: PUBLISHERS }, (_, i) => `ideal-${i}`);
  const cpu0 = cpuMs(p);
  const publishMs = await publish(`mqtt://127.0.0.1:${port}`, anon, ids);
  const rate = await drained('/ideal', TOTAL);
  const cpuUs = ((cpuMs(p) - cpu0) * 1000) / TOTAL;
  const lat = await latencies();
  await stopProcess(p);
  return { rate, acked: (TOTAL / publishMs) * 1000, cpuUs, ...lat };
}

/** Waits until the receiver counted `n` requests on `path`; returns requests/s from the first to the last. */
async function drained(path, n, timeoutMs = 120000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await rx.stats();
    if ((s.counts[path] ?? 0) >= n) return (n / (s.last - s.first)) * 1000;
    if (Date.now() > until) throw new Error(`receiver got ${s.counts[path] ?? 0}/${n} on ${path}`);
    await sleep(20);
  }
}

async function latencies() {
  const l = (await rx.stats(true)).latencies.sort((a, b) => a - b);
  return { p50: percentile(l, 0.5), p99: percentile(l, 0.99) };
}

// The same request a callback is: a small JSON body carrying the send time, and the signature headers.
async function rawUndici() {
  await rx.reset();
  const agent = new Agent({ connections: CONCURRENCY });
  let next = 0;
  const worker = async () => {
    while (next++ < TOTAL) {
      const res = await request(`${rx.url}/raw`, {
        dispatcher: agent,
        method: 'POST',
        body: JSON.stringify({ t: Date.now() }),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'device-gateway-webhooks/1',
          'webhook-id': `msg_${randomUUID()}`,
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': `v1,${'A'.repeat(43)}=`,
        },
      });
      await res.body.text();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const rate = await drained('/raw', TOTAL);
  await agent.close();
  return { rate, ...(await latencies()) };
}

const GATEWAY_ENV = {
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
  WEBHOOK_CONCURRENCY: String(CONCURRENCY),
  WEBHOOK_TIMEOUT_MS: '10000',
};

/** A gateway with one device and one matching webhook per publisher, plus `extra` webhooks of other devices. */
async function gatewayWith(extra, main = undefined) {
  let gw = await startGateway(GATEWAY_ENV, { nodeArgs, main });
  const devices = [];
  for (let i = 0; i < PUBLISHERS; i++) {
    const d = await gw.api('POST', '/devices', { id: `e2e-${i}`, name: `e2e ${i}` });
    devices.push(d);
    await gw.api('POST', '/webhooks', {
      name: `e2e ${i}`,
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      url: `${rx.url}/e2e`,
      body: '{"t": {device_pinValue}}',
      dataTrigger: { deviceId: d.id, dataStream: 't' },
    });
  }
  if (extra > 0) {
    await gw.stop();
    const storage = openSqlite(gw.dir);
    const [template] = await storage.webhooks.list(devices[0].orgId ?? 1);
    for (let i = 0; i < extra; i++) {
      const { id: _id, ...rest } = template;
      const dataTrigger = { deviceId: `other-${i}`, dataStream: 't' };
      await storage.webhooks.create({ ...rest, name: `other ${i}`, dataTrigger });
    }
    await storage.close();
    gw = await startGateway(GATEWAY_ENV, { dir: gw.dir, nodeArgs, main });
  }
  const creds = devices.map((d) => ({ user: d.id, pass: d.token }));
  return { gw, creds, ids: devices.map((d) => d.id) };
}

async function gatewayRound(g) {
  await rx.reset();
  const cpu0 = cpuMs(g.gw.proc);
  const publishMs = await publish(g.gw.mqttUrl, g.creds, g.ids);
  const rate = await drained('/e2e', TOTAL);
  const cpuUs = ((cpuMs(g.gw.proc) - cpu0) * 1000) / TOTAL;
  return { rate, acked: (TOTAL / publishMs) * 1000, cpuUs, ...(await latencies()) };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const plain = await gatewayWith(0);
const crowded = EXTRA_WEBHOOKS > 0 ? await gatewayWith(EXTRA_WEBHOOKS) : undefined;
const other = COMPARE ? await gatewayWith(0, COMPARE) : undefined;
const runs = { bare: [], raw: [], ideal: [], gw: [], gw10k: [], other: [], load: [] };
for (let round = 0; round < ROUNDS; round++) {
  runs.bare.push(await bareAedes());
  runs.raw.push(await rawUndici());
  runs.ideal.push(await idealPipeline());
  runs.gw.push(await gatewayRound(plain));
  if (crowded) runs.gw10k.push(await gatewayRound(crowded));
  if (other) runs.other.push(await gatewayRound(other));
  runs.load.push(loadavg()[0]);
  const r = (x) => x.rate.toFixed(0);
  process.stderr.write(
    `  round ${round + 1}/${ROUNDS}: ideal ${r(runs.ideal[round])}/s, gateway ${r(runs.gw[round])}/s ` +
      `(${(runs.gw[round].rate / runs.ideal[round].rate).toFixed(2)}x), load ${load()}\n`,
  );
}
for (const g of [plain, crowded, other].filter(Boolean)) {
  await g.gw.stop();
  g.gw.remove();
}
rx.proc.kill();

const rates = (rs) => rs.map((r) => r.rate);
const floor = runs.bare.map((b, i) => Math.min(b, runs.raw[i].rate));
const ratio = (rs) => rs.map((r, i) => r.rate / floor[i]);
const toIdeal = (rs) => rs.map((r, i) => r.rate / runs.ideal[i].rate);
console.log(
  `\ne2e bench: ${PUBLISHERS} publishers × ${PER_PUBLISHER} QoS 1 messages, one webhook each, ${ROUNDS} interleaved rounds: median (min–max)`,
);
console.log(`load average (1 min) after each round: ${spread(runs.load, 2)}; now ${load()}`);
console.log(`bare Aedes QoS 1 ingest:  ${spread(runs.bare)} msg/s`);
console.log(`raw undici loop:          ${spread(rates(runs.raw))} req/s`);
console.log(
  `ideal pipeline:           ${spread(rates(runs.ideal))} callbacks/s (PUBACKs ${spread(runs.ideal.map((r) => r.acked))} msg/s), ` +
    `p50 ${spread(runs.ideal.map((r) => r.p50))} ms, p99 ${spread(runs.ideal.map((r) => r.p99))} ms`,
);
for (const [name, rs] of [
  ['gateway', runs.gw],
  [`gateway +${EXTRA_WEBHOOKS} webhooks`, runs.gw10k],
  ['compared build', runs.other],
].filter(([, rs]) => rs.length > 0)) {
  console.log(`${`${name}:`.padEnd(25)} ratio to the ideal pipeline ${spread(toIdeal(rs), 2)}x (paired per round)`);
  const p50 = spread(rs.map((r) => r.p50));
  const p99 = spread(rs.map((r) => r.p99));
  console.log(
    `${`${name}:`.padEnd(25)} ${spread(rates(rs))} callbacks/s, ratio to the slower baseline ${spread(ratio(rs), 2)}x, ` +
      `publish → callback p50 ${p50} ms, p99 ${p99} ms`,
  );
  console.log(`${''.padEnd(25)} (PUBACKs, each after its delivery's commit: ${spread(rs.map((r) => r.acked))} msg/s)`);
  const cpu = rs.map((r) => r.cpuUs);
  const ideal = runs.ideal.map((r) => r.cpuUs);
  console.log(
    `${''.padEnd(25)} CPU µs per callback ${spread(cpu, 1)} (ideal pipeline ${spread(ideal, 1)}), ` +
      `ideal/gateway ${spread(
        cpu.map((c, i) => ideal[i] / c),
        2,
      )}x`,
  );
}
if (runs.other.length > 0) {
  const paired = (f) => runs.gw.map((r, i) => f(r) / f(runs.other[i]));
  console.log(
    `this build / compared build: callbacks/s ${spread(
      paired((r) => r.rate),
      2,
    )}x, CPU per callback ${spread(
      paired((r) => r.cpuUs),
      2,
    )}x (paired per round)`,
  );
}

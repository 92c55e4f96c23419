// bench:connections — as many authenticated device connections as one gateway process may hold (open-file
// limit 20,000 here: BENCH_CONNECTIONS defaults to 19,000), opened by several client processes from their own
// loopback source addresses (127.0.<batch>.2, 127.0.<batch>.3, …, fresh ones per batch). Prints the gateway's RSS
// and KiB per connection above idle, the connect rate, the time until REST (and storage) shows every device
// online, in BENCH_ROUNDS rounds interleaved with bare Aedes holding the same; in the last round it tries 1,500
// more past the open-file limit (each must get a CONNACK refusal or a close, and the gateway must live), and closes them all.
import 'reflect-metadata';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { ADMIN, benchDir, sleep, spread, start, startGateway, stopProcess } from './lib/procs.mjs';

const N = Number(process.env.BENCH_CONNECTIONS ?? 19000);
const CLIENTS = Number(process.env.BENCH_CONNECTION_CLIENTS ?? 4);
const OVERFLOW = Number(process.env.BENCH_CONNECTION_OVERFLOW ?? 1500);
const WINDOW = Number(process.env.BENCH_CONNECT_WINDOW ?? 100); // connects in flight per client process
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TOKEN = 'dev_bench-connections-token-0123456789';
const { openSqlite } = await import(join(benchDir, '../dist/storage/sqlite/sqlite.driver.js'));
const { hashToken } = await import(join(benchDir, '../dist/common/secrets.js'));

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
/** CPU time (user + system, µs) a process has used so far: /proc/<pid>/stat, in 10 ms clock ticks. */
const cpuUs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
};
const openFiles = (pid) => Number(readFileSync(`/proc/${pid}/limits`, 'utf8').match(/Max open files\s+(\d+)/)[1]);

/** A data directory holding `count` devices conn-0… sharing one token (the gateway hashes it per CONNECT). */
async function preload(count) {
  const gw = await startGateway(); // creates the organization and the admin token
  await gw.stop();
  const storage = openSqlite(gw.dir);
  const now = Date.now();
  const tokenHash = hashToken(TOKEN);
  for (let i = 0; i < count; i++) {
    await storage.devices.create({
      ...{ id: `conn-${i}`, orgId: 1, name: `conn ${i}`, type: 'PRIVATE', templateId: null, groupIds: [] },
      ...{ agentId: null, metadata: {}, tokenHash, status: 'offline', seq: 0, lastSeen: null },
      ...{ firstConnectedAt: null, values: {}, lastEvent: null, createdAt: now, updatedAt: now },
    });
  }
  await storage.close();
  return gw.dir;
}

/**
 * Each batch of connections comes from loopback addresses no earlier batch used (127.0.<batch>.<2+i>): the
 * connections a previous round closed stay in TIME_WAIT on their source address:port for 60 s, and a client
 * bound to that address then has to search the ephemeral range around them for every connect (measured: the
 * round after another one from the same addresses connected at a third of the rate, the broker idle half the
 * time). A random start, so a run right after another one does not meet its addresses either.
 */
let batch = Math.floor(Math.random() * 200);
async function connectors(gw, from, count, processes, pid) {
  const port = new URL(gw.mqttUrl).port;
  batch = (batch % 254) + 1;
  const per = Math.ceil(count / processes);
  const procs = [];
  for (let i = 0; i < processes; i++) {
    const n = Math.min(per, count - i * per);
    const args = [
      '127.0.0.1',
      port,
      `127.0.${batch}.${2 + i}`,
      String(from + i * per),
      String(n),
      String(WINDOW),
      TOKEN,
    ];
    const p = start('node', [join(benchDir, 'load/connector.mjs'), ...args]);
    await p.waitFor(/^ready/);
    procs.push(p);
  }
  const cpuBefore = pid ? cpuUs(pid) : 0;
  for (const p of procs) p.stdin.write('go\n');
  const lines = await Promise.all(procs.map((p) => p.waitFor(/^connected/)));
  const cpu = pid ? cpuUs(pid) - cpuBefore : NaN; // the broker's CPU over the connect phase
  const r = lines.map((l) => l.split(' ').slice(1).map(Number));
  const sum = (k) => r.reduce((s, x) => s + x[k], 0);
  const startMs = Math.min(...r.map((x) => x[3]));
  const endMs = Math.max(...r.map((x) => x[4]));
  return { procs, ok: sum(0), refused: sum(1), closed: sum(2), startMs, endMs, cpuPerConnect: cpu / sum(0) };
}

async function onlineCount(gw) {
  const res = await fetch(`${gw.http}/api/v1/organization/devices?status=online&size=1`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  return (await res.json()).total;
}

async function waitOnline(gw, n) {
  for (;;) {
    if ((await onlineCount(gw)) === n) return Date.now();
    await sleep(100);
  }
}

/**
 * Full garbage collections through the inspector protocol (HeapProfiler.collectGarbage) until the RSS stops
 * falling, then the RSS and V8's heap figures. One forced GC compacts only part of a fragmented old space
 * (V8 bounds the pages one mark-compact evacuates): right after the connect burst it left the gateway's old
 * space 2.8 KiB per connection larger than its live objects (bare Aedes 0.9 KiB), and the next ones took that
 * back, as V8's memory reducer does by itself once the process is quiet. Both readings are reported.
 */
async function settle(pid, port) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((r) => ws.once('open', r));
  let id = 0;
  const call = (method, params) =>
    new Promise((resolve) => {
      const mine = ++id;
      ws.on('message', (m) => {
        const msg = JSON.parse(m);
        if (msg.id === mine) resolve(msg.result);
      });
      ws.send(JSON.stringify({ id: mine, method, params }));
    });
  await call('HeapProfiler.enable');
  const rss = [];
  for (let i = 0; i < 8; i++) {
    await call('HeapProfiler.collectGarbage');
    await sleep(i === 0 ? 500 : 300);
    rss.push(rssKiB(pid));
    if (i > 0 && rss[i - 1] - rss[i] < rss[i - 1] * 0.005) break;
  }
  const expression = 'JSON.stringify(process.memoryUsage())';
  const mem = JSON.parse((await call('Runtime.evaluate', { expression, returnByValue: true })).result.value);
  ws.close();
  const kib = (b) => b / 1024;
  return {
    once: rss[0],
    rss: Math.min(...rss),
    gcs: rss.length,
    ...{ heapUsed: kib(mem.heapUsed), heapTotal: kib(mem.heapTotal), external: kib(mem.external) },
  };
}

/** Per connection (KiB) between two `settle` readings. */
function perConnection(idle, full, n) {
  const per = (k) => (full[k] - idle[k]) / n;
  return {
    settled: per('rss'),
    once: per('once'),
    gcs: full.gcs,
    ...{ heapUsed: per('heapUsed'), heapTotal: per('heapTotal'), external: per('external') },
  };
}

/** Active handles (prom-client's default metrics on the gateway's /metrics). */
async function activeHandles(gw) {
  const text = await (await fetch(`${gw.http}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  return Number(/^nodejs_active_handles_total(?:\{[^}]*\})? ([0-9.e+]+)$/m.exec(text)?.[1] ?? NaN);
}

/** Waits until storage (the presence write-behind, read from a second connection) holds `n` devices online. */
async function waitStored(dir, n) {
  const db = new Database(join(dir, 'gateway.db'), { readonly: true });
  const count = db.prepare(`SELECT count(*) AS n FROM devices WHERE json_extract(doc, '$.status') = 'online'`);
  try {
    for (;;) {
      if (count.get().n === n) return Date.now();
      await sleep(100);
    }
  } finally {
    db.close();
  }
}

const closeAll = (procs) => Promise.all(procs.map((p) => (p.stdin.end(), new Promise((r) => p.once('exit', r)))));

const dir = await preload(N + OVERFLOW);
// BENCH_PROFILE=<dir>: --cpu-prof of the gateway; BENCH_HEAPSNAPSHOT=1: a heap snapshot (cwd) once all are held.
// The inspector (loopback only) lets the bench force a full GC before each memory reading.
const INSPECT_PORT = 20000 + Math.floor(Math.random() * 12000); // below the ephemeral range (32768–)
// BENCH_NODE_FLAGS: V8/Node flags for both brokers (e.g. `--max-semi-space-size=32`), to compare a setting fairly.
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const nodeArgs = [
  ...NODE_FLAGS,
  `--inspect=127.0.0.1:${INSPECT_PORT}`,
  ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []),
  ...(process.env.BENCH_HEAPSNAPSHOT ? ['--heapsnapshot-signal=SIGUSR2'] : []),
];
/** The baseline: bare Aedes (no hooks) holding the same connections, measured the same way. */
async function bareAedes() {
  const port = INSPECT_PORT + 1;
  const args = [...NODE_FLAGS, `--inspect=127.0.0.1:${port}`, join(benchDir, 'servers/bare-aedes.mjs'), '0'];
  const proc = start('node', args);
  const mqttPort = Number((await proc.waitFor(/^ready/)).split(' ')[1]);
  await sleep(1000);
  const idle = await settle(proc.pid, port);
  const held = await connectors({ mqttUrl: `mqtt://127.0.0.1:${mqttPort}` }, 0, N, CLIENTS, proc.pid);
  await sleep(1000);
  const full = await settle(proc.pid, port);
  await closeAll(held.procs);
  await stopProcess(proc);
  return { held, mem: perConnection(idle, full, held.ok), rate: held.ok / ((held.endMs - held.startMs) / 1000) };
}

/** One gateway round: hold N, memory and rates; in the last round also the overflow and the way back to none. */
async function gatewayRound(last) {
  const gw = await startGateway({}, { dir, nodeArgs });
  const pid = gw.proc.pid;
  await sleep(2000);
  const idle = await settle(pid, INSPECT_PORT);
  const idleHandles = await activeHandles(gw);
  const held = await connectors(gw, 0, N, CLIENTS, pid);
  const allOnline = await waitOnline(gw, held.ok);
  const allStored = await waitStored(dir, held.ok);
  await sleep(2000);
  const full = await settle(pid, INSPECT_PORT);
  const fullHandles = await activeHandles(gw);
  if (process.env.BENCH_HEAPSNAPSHOT) {
    process.kill(pid, 'SIGUSR2');
    await sleep(15000);
  }
  const health = await (await fetch(`${gw.http}/health`)).json();
  const r = {
    held,
    health,
    idle: idle.rss,
    full: full.rss,
    mem: perConnection(idle, full, held.ok),
    rate: held.ok / ((held.endMs - held.startMs) / 1000),
    onlineMs: allOnline - held.startMs,
    storedMs: allStored - held.startMs,
    handles: [idleHandles, fullHandles],
  };
  if (last) {
    r.over = await connectors(gw, N, OVERFLOW, 1);
    await closeAll(r.over.procs);
    await sleep(500);
    const ok = (res) => res.ok;
    r.alive = gw.proc.exitCode === null && (await fetch(`${gw.http}/health`).then(ok, () => false));
  }
  await closeAll(held.procs);
  const offlineAt = Date.now();
  await waitOnline(gw, 0);
  r.offlineMs = Date.now() - offlineAt;
  await waitStored(dir, 0);
  r.offlineStoredMs = Date.now() - offlineAt;
  r.handles.push(await activeHandles(gw));
  await stopProcess(gw.proc);
  return r;
}

const bares = [];
const gws = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternating which goes first, so neither always meets the other's TIME_WAIT and warm caches.
  if (round % 2 === 0) bares.push(await bareAedes());
  gws.push(await gatewayRound(round === ROUNDS - 1));
  if (round % 2 === 1) bares.push(await bareAedes());
  process.stderr.write(
    `  round ${round + 1}/${ROUNDS}: bare ${bares.at(-1).rate.toFixed(0)}/s ${bares.at(-1).held.cpuPerConnect.toFixed(0)} µs CPU each, ` +
      `gateway ${gws.at(-1).rate.toFixed(0)}/s ${gws.at(-1).held.cpuPerConnect.toFixed(0)} µs CPU each, load ${loadavg()[0].toFixed(1)}\n`,
  );
}
rmSync(dir, { recursive: true, force: true });

const g = gws.at(-1);
const col = (rs, k) => rs.map((x) => x[k]);
console.log(
  `\nconnections bench: ${N} connections, ${CLIENTS} client processes, ${WINDOW} connects in flight each, open-file limit ${openFiles(process.pid)}, ${ROUNDS} interleaved rounds: median (min–max)`,
);
console.log(
  `held ${spread(gws.map((x) => x.held.ok))} (last round: refused ${g.held.refused}, closed ${g.held.closed}; /health counts ${g.health.mqtt.connections})`,
);
console.log(
  `connect rate: gateway ${spread(col(gws, 'rate'))}/s, bare Aedes ${spread(col(bares, 'rate'))}/s, ratio per round ${spread(
    gws.map((x, i) => x.rate / bares[i].rate),
    2,
  )}x`,
);
const cpuOf = (rs) => rs.map((x) => x.held.cpuPerConnect);
console.log(
  `broker CPU per connect (user + system over the connect phase): gateway ${spread(cpuOf(gws))} µs, bare Aedes ${spread(cpuOf(bares))} µs, ratio per round ${spread(
    gws.map((x, i) => x.held.cpuPerConnect / bares[i].held.cpuPerConnect),
    2,
  )}x; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(
  `REST shows all online ${spread(col(gws, 'onlineMs'))} ms after the first connect, storage ${spread(col(gws, 'storedMs'))} ms ` +
    `(connecting took ${spread(gws.map((x) => x.held.endMs - x.held.startMs))} ms)`,
);
const mem = (rs, k) =>
  spread(
    rs.map((x) => x.mem[k]),
    2,
  );
console.log(
  `gateway RSS idle ${spread(gws.map((x) => x.idle / 1024))} MiB, held ${spread(gws.map((x) => x.full / 1024))} MiB; ` +
    `KiB per connection above idle, GC repeated until the RSS stops falling: gateway ${mem(gws, 'settled')}, bare Aedes ${mem(bares, 'settled')}` +
    ` (full GCs taken: gateway ${spread(gws.map((x) => x.mem.gcs))}, bare ${spread(bares.map((x) => x.mem.gcs))})`,
);
console.log(
  `  after the first full GC only: gateway ${mem(gws, 'once')}, bare Aedes ${mem(bares, 'once')} KiB per connection`,
);
console.log(
  `  V8 heap used per connection: gateway ${mem(gws, 'heapUsed')}, bare Aedes ${mem(bares, 'heapUsed')}; heap reserved: gateway ${mem(gws, 'heapTotal')}, ` +
    `bare Aedes ${mem(bares, 'heapTotal')}; external: gateway ${mem(gws, 'external')}, bare Aedes ${mem(bares, 'external')} KiB`,
);
console.log(
  `  ratio gateway / bare Aedes per round (settled RSS per connection): ${spread(
    gws.map((x, i) => x.mem.settled / bares[i].mem.settled),
    2,
  )}; active handles (last round) idle ${g.handles[0]} → held ${g.handles[1]} → all closed ${g.handles[2]}`,
);
console.log(
  `past the limit: ${OVERFLOW} more → ${g.over.ok} accepted, ${g.over.refused} refused by CONNACK, ${g.over.closed} closed; gateway alive: ${g.alive}`,
);
console.log(
  `all closed → REST shows none online after ${spread(col(gws, 'offlineMs'))} ms, storage after ${spread(col(gws, 'offlineStoredMs'))} ms`,
);

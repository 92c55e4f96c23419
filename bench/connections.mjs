// bench:connections — as many authenticated device connections as one gateway process may hold (open-file
// limit 20,000 here: BENCH_CONNECTIONS defaults to 19,000), opened by several client processes from their own
// loopback source addresses (127.0.0.2, 127.0.0.3, …). Prints the gateway's RSS and KiB per connection above
// idle, the connect rate, the time until REST shows every device online; then tries 1,500 more past the
// open-file limit (each must get a CONNACK refusal or a close, and the gateway must live), and closes them all.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { ADMIN, benchDir, sleep, start, startGateway, stopProcess } from './lib/procs.mjs';

const N = Number(process.env.BENCH_CONNECTIONS ?? 19000);
const CLIENTS = Number(process.env.BENCH_CONNECTION_CLIENTS ?? 4);
const OVERFLOW = Number(process.env.BENCH_CONNECTION_OVERFLOW ?? 1500);
const WINDOW = Number(process.env.BENCH_CONNECT_WINDOW ?? 100); // connects in flight per client process
const TOKEN = 'dev_bench-connections-token-0123456789';
const { openSqlite } = await import(join(benchDir, '../dist/storage/sqlite/sqlite.driver.js'));
const { hashToken } = await import(join(benchDir, '../dist/common/secrets.js'));

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
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

async function connectors(gw, from, count, processes) {
  const port = new URL(gw.mqttUrl).port;
  const per = Math.ceil(count / processes);
  const procs = [];
  for (let i = 0; i < processes; i++) {
    const n = Math.min(per, count - i * per);
    const args = ['127.0.0.1', port, `127.0.0.${2 + i}`, String(from + i * per), String(n), String(WINDOW), TOKEN];
    const p = start('node', [join(benchDir, 'load/connector.mjs'), ...args]);
    await p.waitFor(/^ready/);
    procs.push(p);
  }
  for (const p of procs) p.stdin.write('go\n');
  const lines = await Promise.all(procs.map((p) => p.waitFor(/^connected/)));
  const r = lines.map((l) => l.split(' ').slice(1).map(Number));
  const sum = (k) => r.reduce((s, x) => s + x[k], 0);
  const startMs = Math.min(...r.map((x) => x[3]));
  const endMs = Math.max(...r.map((x) => x[4]));
  return { procs, ok: sum(0), refused: sum(1), closed: sum(2), startMs, endMs };
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

/** A full garbage collection in the gateway, through the inspector protocol (HeapProfiler.collectGarbage). */
async function collectGarbage(port = INSPECT_PORT) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((r) => ws.once('open', r));
  const call = (id, method) =>
    new Promise((resolve) => {
      ws.on('message', (m) => JSON.parse(m).id === id && resolve());
      ws.send(JSON.stringify({ id, method }));
    });
  await call(1, 'HeapProfiler.enable');
  await call(2, 'HeapProfiler.collectGarbage');
  ws.close();
  await sleep(500);
}

/** Heap used / heap total / external bytes from the gateway's /metrics (prom-client's default metrics). */
async function memory(gw) {
  const text = await (await fetch(`${gw.http}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  const num = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? NaN) / 1024;
  return {
    heapUsed: num('nodejs_heap_size_used_bytes'),
    heapTotal: num('nodejs_heap_size_total_bytes'),
    external: num('nodejs_external_memory_bytes'),
    handles: num('nodejs_active_handles_total') * 1024,
    timers: num('nodejs_active_resources') * 1024,
  };
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
const INSPECT_PORT = 20000 + Math.floor(Math.random() * 20000);
const nodeArgs = [
  `--inspect=127.0.0.1:${INSPECT_PORT}`,
  ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []),
  ...(process.env.BENCH_HEAPSNAPSHOT ? ['--heapsnapshot-signal=SIGUSR2'] : []),
];
/** The baseline: bare Aedes (no hooks) holding the same connections, measured the same way. */
async function bareAedes() {
  const port = INSPECT_PORT + 1;
  const proc = start('node', [`--inspect=127.0.0.1:${port}`, join(benchDir, 'servers/bare-aedes.mjs'), '0']);
  const mqttPort = Number((await proc.waitFor(/^ready/)).split(' ')[1]);
  await sleep(1000);
  await collectGarbage(port);
  const idle = rssKiB(proc.pid);
  const held = await connectors({ mqttUrl: `mqtt://127.0.0.1:${mqttPort}` }, 0, N, CLIENTS);
  await sleep(1000);
  await collectGarbage(port);
  const full = rssKiB(proc.pid);
  await closeAll(held.procs);
  await stopProcess(proc);
  return { held, perConnection: (full - idle) / held.ok, rate: held.ok / ((held.endMs - held.startMs) / 1000) };
}

const bare = await bareAedes();
const gw = await startGateway({}, { dir, nodeArgs });
const pid = gw.proc.pid;
await sleep(2000);
await collectGarbage();
const idle = rssKiB(pid);
const idleMem = await memory(gw);
const held = await connectors(gw, 0, N, CLIENTS);
const allOnline = await waitOnline(gw, held.ok);
const allStored = await waitStored(dir, held.ok);
await sleep(2000);
await collectGarbage();
const full = rssKiB(pid);
const fullMem = await memory(gw);
if (process.env.BENCH_HEAPSNAPSHOT) {
  process.kill(pid, 'SIGUSR2');
  await sleep(15000);
}
const health = await (await fetch(`${gw.http}/health`)).json();

const over = await connectors(gw, N, OVERFLOW, 1);
await closeAll(over.procs);
await sleep(500);
const alive =
  gw.proc.exitCode === null &&
  (await fetch(`${gw.http}/health`).then(
    (r) => r.ok,
    () => false,
  ));
await closeAll(held.procs);
const offlineAt = Date.now();
await waitOnline(gw, 0);
const offlineMs = Date.now() - offlineAt;
await waitStored(dir, 0);
const offlineStoredMs = Date.now() - offlineAt;
const handlesAfter = (await memory(gw)).handles;
await stopProcess(gw.proc);
gw.remove();

const seconds = (held.endMs - held.startMs) / 1000;
console.log(
  `\nconnections bench: ${CLIENTS} client processes, ${WINDOW} connects in flight each, open-file limit ${openFiles(process.pid)}`,
);
console.log(
  `held ${held.ok}/${N} (refused ${held.refused}, closed ${held.closed}); /health counts ${health.mqtt.connections}`,
);
console.log(
  `connect rate ${(held.ok / seconds).toFixed(0)}/s (${seconds.toFixed(2)} s); REST shows all online ${allOnline - held.startMs} ms after the first connect, storage ${allStored - held.startMs} ms`,
);
console.log(
  `gateway RSS idle ${(idle / 1024).toFixed(0)} MiB, held ${(full / 1024).toFixed(0)} MiB, ${((full - idle) / held.ok).toFixed(2)} KiB per connection above idle (both after a full GC)`,
);
console.log(
  `bare Aedes baseline: held ${bare.held.ok}, ${bare.perConnection.toFixed(2)} KiB per connection, connect rate ${bare.rate.toFixed(0)}/s`,
);
const per = (k) => ((fullMem[k] - idleMem[k]) / held.ok).toFixed(2);
console.log(
  `  of which V8 heap used ${per('heapUsed')}, heap reserved ${per('heapTotal')}, external ${per('external')} KiB per connection; ` +
    `active handles ${idleMem.handles} → ${fullMem.handles}`,
);
console.log(
  `past the limit: ${OVERFLOW} more → ${over.ok} accepted, ${over.refused} refused by CONNACK, ${over.closed} closed; gateway alive: ${alive}`,
);
console.log(
  `all closed → REST shows none online after ${offlineMs} ms, storage after ${offlineStoredMs} ms; active handles ${handlesAfter}`,
);

// bench:connections — as many authenticated device connections as one gateway process may hold (open-file
// limit 20,000 here: BENCH_CONNECTIONS defaults to 19,000), opened by several client processes from their own
// loopback source addresses (127.0.0.2, 127.0.0.3, …). Prints the gateway's RSS and KiB per connection above
// idle, the connect rate, the time until REST shows every device online; then tries 1,500 more past the
// open-file limit (each must get a CONNACK refusal or a close, and the gateway must live), and closes them all.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
    await sleep(50);
  }
}

const closeAll = (procs) => Promise.all(procs.map((p) => (p.stdin.end(), new Promise((r) => p.once('exit', r)))));

const dir = await preload(N + OVERFLOW);
const gw = await startGateway({}, { dir });
const pid = gw.proc.pid;
await sleep(2000);
const idle = rssKiB(pid);
const held = await connectors(gw, 0, N, CLIENTS);
const allOnline = await waitOnline(gw, held.ok);
await sleep(2000);
const full = rssKiB(pid);
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
  `connect rate ${(held.ok / seconds).toFixed(0)}/s (${seconds.toFixed(2)} s); REST shows all online ${allOnline - held.startMs} ms after the first connect`,
);
console.log(
  `gateway RSS idle ${(idle / 1024).toFixed(0)} MiB, held ${(full / 1024).toFixed(0)} MiB, ${((full - idle) / held.ok).toFixed(2)} KiB per connection above idle`,
);
console.log(
  `past the limit: ${OVERFLOW} more → ${over.ok} accepted, ${over.refused} refused by CONNACK, ${over.closed} closed; gateway alive: ${alive}`,
);
console.log(`all closed → REST shows none online after ${offlineMs} ms`);

// bench:ingest — bare Aedes, then the gateway, under the same load in the same run: mqtt.js publisher
// processes (100-byte payloads, QoS 0 and QoS 1) and one subscriber process. Prints msg/s and ratios.
// The gateway runs twice a round: with datastream history (the default) and without (HISTORY_ENABLED=false);
// BENCH_HISTORY=0 leaves the second out.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, gatewayAddresses, spread, start } from './lib/procs.mjs';

const PUBLISHERS = Number(process.env.BENCH_PUBLISHERS ?? 2);
const QOS0_PER_PUBLISHER = Number(process.env.BENCH_QOS0 ?? 40000);
const QOS1_PER_PUBLISHER = Number(process.env.BENCH_QOS1 ?? 15000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const HISTORY_OFF_TOO = process.env.BENCH_HISTORY !== '0';
// BENCH_PROFILE=<dir>: the gateway runs under --cpu-prof and writes its profile there on exit.
const PROFILE = process.env.BENCH_PROFILE;
// BENCH_STRACE=<file>: both brokers run under `strace -f -c -e trace=writev,write` (system call counts per broker).
const STRACE = process.env.BENCH_STRACE;
const node = (name, args) =>
  STRACE
    ? ['strace', ['-f', '-c', '-e', 'trace=writev,write', '-o', `${STRACE}.${name}`, 'node', ...args]]
    : ['node', args];
const here = new URL('.', import.meta.url).pathname;

async function startBare() {
  const p = start(...node('bare', [join(here, 'servers/bare-aedes.mjs'), '0']));
  const port = Number((await p.waitFor(/^ready/)).split(' ')[1]);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    proc: p,
    creds: () => ({ user: '', pass: '' }),
    sub: { user: '', pass: '' },
  };
}

async function startGateway(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  const flags = PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : [];
  const p = start(...node('gateway', [...flags, join(here, '../dist/main.js')]), {
    DATA_DIR: dir,
    HTTP_PORT: '0',
    MQTT_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    MQTT_HOST: '127.0.0.1',
    GATEWAY_ADMIN_TOKEN: ADMIN,
    LOG_LEVEL: 'warn',
    ...env,
  });
  const { http, mqtt: mqttUrl } = await gatewayAddresses(p);
  const devices = [];
  for (let i = 0; i < PUBLISHERS; i++) {
    const res = await fetch(`${http}/api/v1/organization/devices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: `bench-${i}`, name: `bench ${i}` }),
    });
    devices.push(await res.json());
  }
  return {
    url: mqttUrl,
    http,
    proc: p,
    dir,
    creds: (i) => ({ user: devices[i].id, pass: devices[i].token }),
    sub: { user: 'token', pass: ADMIN },
  };
}

async function run(target, qos, perPublisher) {
  const total = PUBLISHERS * perPublisher;
  const sub = start('node', [
    join(here, 'load/subscriber.mjs'),
    target.url,
    target.sub.user,
    target.sub.pass,
    String(total),
    '60000',
  ]);
  await sub.waitFor(/^ready/);
  const pubs = [];
  for (let i = 0; i < PUBLISHERS; i++) {
    const c = target.creds(i);
    const p = start('node', [
      join(here, 'load/publisher.mjs'),
      target.url,
      c.user,
      c.pass,
      `bench-${i}`,
      String(perPublisher),
      String(qos),
      qos === 0 ? '1000' : '64',
    ]);
    await p.waitFor(/^ready/);
    pubs.push(p);
  }
  const t0 = performance.now();
  for (const p of pubs) p.stdin.write('go\n');
  await Promise.all(pubs.map((p) => p.waitFor(/^done/)));
  const publishMs = performance.now() - t0;
  const [, got, ms] = (await sub.waitFor(/^received/)).split(' ').map(Number);
  if (got < total) process.stderr.write(`  note: subscriber received ${got}/${total}\n`);
  // QoS 0 is measured where it lands (subscriber); QoS 1 where it is acknowledged (publishers).
  return qos === 0 ? (got / ms) * 1000 : (total / publishMs) * 1000;
}

const stop = (t) =>
  new Promise((r) => {
    t.proc.once('exit', r);
    // Under strace the broker is strace's child: it gets the signal, strace prints its counts when it exits.
    const pid = STRACE
      ? Number(readFileSync(`/proc/${t.proc.pid}/task/${t.proc.pid}/children`, 'utf8').split(' ')[0])
      : 0;
    if (pid) process.kill(pid, 'SIGTERM');
    else t.proc.kill('SIGTERM');
  });
/** CPU time (user + system, ms) the broker process has used so far: /proc/<pid>/stat, in 10 ms clock ticks. */
function cpuMs(t) {
  const fields = readFileSync(`/proc/${t.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** History rows the gateway wrote and dropped (its /metrics). */
async function historyRows(t) {
  const text = await (await fetch(`${t.http}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  const count = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { written: count('gateway_history_rows_written_total'), dropped: count('gateway_history_rows_dropped_total') };
}

const contenders = [
  ['bare', startBare],
  ['gateway', () => startGateway()],
  ...(HISTORY_OFF_TOO ? [['noHistory', () => startGateway({ HISTORY_ENABLED: 'false' })]] : []),
];
const results = Object.fromEntries(contenders.map(([name]) => [name, { 0: [], 1: [] }]));
// The broker's CPU per message over both runs and a 500 ms tail (the history's last flushes): less sensitive than
// msg/s to what else runs on the box.
const cpu = Object.fromEntries(contenders.map(([name]) => [name, []]));
const messages = PUBLISHERS * (QOS0_PER_PUBLISHER + QOS1_PER_PUBLISHER);
const loads = [];
const rows = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, make] of contenders) {
    const t = await make();
    const cpu0 = STRACE ? 0 : cpuMs(t);
    results[name][0].push(await run(t, 0, QOS0_PER_PUBLISHER));
    results[name][1].push(await run(t, 1, QOS1_PER_PUBLISHER));
    await new Promise((r) => setTimeout(r, 500));
    if (!STRACE) cpu[name].push(((cpuMs(t) - cpu0) * 1000) / messages);
    if (name === 'gateway') rows.push(await historyRows(t));
    await stop(t);
    if (t.dir) rmSync(t.dir, { recursive: true, force: true });
  }
  loads.push(loadavg()[0]);
}
const paired = (qos, name, base = 'bare') => results[name][qos].map((g, i) => g / results[base][qos][i]);
console.log(
  `\ningest bench: ${PUBLISHERS} publisher processes, 100-byte payloads, ${ROUNDS} interleaved rounds: median (min–max)`,
);
console.log(`load average (1 min) after each round: ${loads.map((l) => l.toFixed(2)).join(', ')}`);
for (const qos of [0, 1]) {
  console.log(
    `QoS${qos}: bare Aedes ${spread(results.bare[qos])} msg/s, gateway ${spread(results.gateway[qos])} msg/s, ` +
      `ratio per round ${spread(paired(qos, 'gateway'), 2)}x`,
  );
  if (HISTORY_OFF_TOO)
    console.log(
      `  without history: ${spread(results.noHistory[qos])} msg/s, ratio ${spread(paired(qos, 'noHistory'), 2)}x; ` +
        `with/without history ${spread(paired(qos, 'gateway', 'noHistory'), 2)}x`,
    );
}
if (!STRACE)
  console.log(
    `broker CPU per message (µs): ${contenders.map(([name]) => `${name} ${spread(cpu[name], 2)}`).join(', ')}` +
      (HISTORY_OFF_TOO
        ? `; history's cost ${spread(
            cpu.gateway.map((g, i) => g - cpu.noHistory[i]),
            2,
          )} µs`
        : ''),
  );
console.log(
  `history rows written per gateway round: ${rows.map((r) => r.written).join(', ')} ` +
    `(dropped: ${rows.map((r) => r.dropped).join(', ')})`,
);

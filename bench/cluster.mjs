// bench:cluster — durable QoS 1 ingest (msg/s acknowledged, each PUBACK after the outbox commit) and
// deliveries/s, for: SQLite with 1 instance, mongo (FerretDB, or MONGODB_URI) with 1 instance, and mongo with 2
// instances sharing the database (+ a redis-server for MQTT). Each round starts fresh processes and runs the
// three configurations one after the other (rounds interleaved, so a noisy neighbour hits all of them);
// medians of BENCH_ROUNDS (default 5) with the (min–max) spread, and ratios paired within each round. On a
// 2-core machine two instances compete with the load and the database for the same cores: the 1 vs 2 figures
// show overhead, not scaling.
// BENCH_LOG_LAG=1 also times how long after the last delivery arrived the delivery log has recorded every row
// as delivered (it trails the sends; polled over REST, so it adds load after the drain), up to BENCH_LOG_MS.
// BENCH_COUNT=1 counts the MongoDB work per message through the driver's command monitoring (bench/lib/
// mongo-commands.mjs preloaded into each gateway): round trips (commands) and documents written, by collection
// and command, from the first publish until the instances are quiet again (the delivery log and the claims'
// release written), divided by the messages acknowledged (= callbacks delivered). Time-driven commands (lease,
// change-log polling) are printed apart: they do not grow with messages.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  benchDir,
  median,
  printWarnings,
  sleep,
  spread,
  start,
  startFerretDb,
  startGateway,
  startReceiver,
  startRedis,
  stopProcess,
} from './lib/procs.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PER_DEVICE = Number(process.env.BENCH_MESSAGES ?? 3000);
const DEVICES = 2;
const LOG_LAG = Boolean(process.env.BENCH_LOG_LAG);
// Seldom: on FerretDB each poll scans the deliveries and attempts, competing with the log it waits for.
const LOG_POLL_MS = 2000;
const COUNT = Boolean(process.env.BENCH_COUNT);
const countArgs = COUNT ? ['--import', join(benchDir, 'lib/mongo-commands.mjs')] : [];
/** Collections written per message; the others are written or read on timers (leases, change log, presence). */
const PER_MESSAGE = [
  'deliveries',
  'delivery_attempts',
  'delivery_claims',
  'id_blocks',
  'device_runtime',
  'trigger_states',
];

/** A gateway of the round, allowed to post to the receiver on the loopback; all share one secret key. */
async function gateway(env, id) {
  process.stderr.write(`  starting ${id}\n`);
  return startGateway(
    {
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
      GATEWAY_INSTANCE_ID: id,
      // the same key everywhere: each instance decrypts the webhook secrets another one stored
      GATEWAY_SECRET_KEY: 'YmVuY2gtc2VjcmV0LWtleS0zMi1ieXRlcy1sb25nISE=',
      ...env,
    },
    { nodeArgs: countArgs },
  );
}

/** The command counts of the instances, summed: `{"<collection> <command>": {trips, docs}}`. */
async function commandCounts(gws) {
  const sum = {};
  for (const g of gws) {
    const line = g.proc.waitFor(/^mongo-commands /);
    g.proc.kill('SIGUSR2');
    const counts = JSON.parse((await line).slice('mongo-commands '.length));
    for (const [k, c] of Object.entries(counts)) {
      const s = (sum[k] ??= { trips: 0, docs: 0 });
      s.trips += c.trips;
      s.docs += c.docs;
    }
  }
  return sum;
}

const perMessageTotal = (c) =>
  Object.entries(c)
    .filter(([k]) => PER_MESSAGE.includes(k.split(' ')[0]))
    .reduce((a, [, x]) => a + x.trips + x.docs, 0);

/** Counts from `before` until the per-message collections see no command for two polls (BENCH_QUIET_MS at most). */
async function countsWhenQuiet(gws, before) {
  const until = Date.now() + Number(process.env.BENCH_QUIET_MS ?? 30_000);
  let last = -1;
  let same = 0;
  let now;
  while (Date.now() < until) {
    now = await commandCounts(gws);
    const t = perMessageTotal(now);
    same = t === last ? same + 1 : 0;
    last = t;
    if (same >= 2) break;
    await sleep(4000);
  }
  const diff = {};
  for (const [k, c] of Object.entries(now)) {
    const b = before[k] ?? { trips: 0, docs: 0 };
    if (c.trips > b.trips) diff[k] = { trips: c.trips - b.trips, docs: c.docs - b.docs };
  }
  return diff;
}
// An instance should stop within seconds (DELIVERY_LOG_SHUTDOWN_MS bounds its last write); one that does not
// is killed, and said so.
const stopGateway = async (g) => {
  await stopProcess(g.proc, 'SIGTERM', { killAfterMs: 10_000 });
  g.remove();
};

/** One round: devices on the instances round-robin, one webhook per device, QoS 1 load, then the drain. */
async function round(env, instances, rx) {
  const gws = [];
  for (let i = 0; i < instances; i++) gws.push(await gateway(env, `bench-${i}`));
  await rx.reset();
  const devices = [];
  const webhooks = [];
  for (let i = 0; i < DEVICES; i++) {
    const d = await gws[0].api('POST', '/devices', { name: `bench ${i}` });
    const w = await gws[0].api('POST', '/webhooks', {
      name: `bench ${i}`,
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      url: `${rx.url}/d${i}`,
      dataTrigger: { deviceId: d.id, dataStream: 'level' },
    });
    devices.push(d);
    webhooks.push(w.id);
  }
  await sleep(1000); // the other instance follows the change log
  process.stderr.write(`  ${instances} instance(s) up, devices and webhooks made\n`);
  const pubs = devices.map((d, i) => {
    const gw = gws[i % gws.length];
    return start('node', [
      join(benchDir, 'load/publisher.mjs'),
      gw.mqttUrl,
      d.id,
      d.token,
      d.id,
      String(PER_DEVICE),
      '1',
      '64',
    ]);
  });
  await Promise.all(pubs.map((p) => p.waitFor(/^ready/)));
  const countsBefore = COUNT && env.MONGODB_URI ? await commandCounts(gws) : null;
  const t0 = performance.now();
  pubs.forEach((p) => p.stdin.write('go\n'));
  // A publisher whose PUBACKs stop coming would hold the bench forever: the round is reported and dropped.
  let late;
  const finished = await Promise.race([
    Promise.all(pubs.map((p) => p.waitFor(/^done/))).then(() => true),
    new Promise((r) => (late = setTimeout(() => r(false), Number(process.env.BENCH_INGEST_MS ?? 120_000)))),
  ]);
  clearTimeout(late);
  if (!finished) {
    process.stderr.write(`  ingest stalled: not every PUBACK came within BENCH_INGEST_MS; round dropped\n`);
    for (const g of gws) await printWarnings(g.proc);
    pubs.forEach((p) => p.kill('SIGKILL'));
    for (const g of gws) await stopGateway(g);
    return null;
  }
  const ingest = (DEVICES * PER_DEVICE) / ((performance.now() - t0) / 1000);
  const total = DEVICES * PER_DEVICE;
  process.stderr.write(`  ingest done: ${Math.round(ingest)} msg/s\n`);
  let s;
  const drainDeadline = Date.now() + Number(process.env.BENCH_DRAIN_MS ?? 60_000);
  let stuck = 0;
  for (;;) {
    s = await rx.stats();
    const got = Object.values(s.counts).reduce((a, b) => a + b, 0);
    if (got >= total) break;
    if (Date.now() > drainDeadline) {
      stuck = total - got; // reported, not hidden: the figure below then counts only what arrived
      process.stderr.write(`  ${stuck} deliveries did not arrive within the drain deadline\n`);
      for (const g of gws) await printWarnings(g.proc);
      break;
    }
    if (process.env.BENCH_VERBOSE) {
      const m = await (await fetch(`${gws[0].http}/metrics`)).text();
      const lines = m.split('\n').filter((l) => /^gateway_webhook|^webhook|deliver/.test(l) && !/_bucket/.test(l));
      process.stderr.write(`  ${got}/${total} delivered\n${lines.join('\n')}\n`);
    }
    await sleep(process.env.BENCH_VERBOSE ? 2000 : 100);
  }
  const deliveries = (total - stuck) / ((s.last - s.first) / 1000);
  // The count waits for the delivery log too: its writes (and the claims' release after them) trail the sends.
  const log = (LOG_LAG || COUNT) && stuck === 0 ? await logCaughtUp(gws[0], webhooks, s.last) : NaN;
  const commands = countsBefore ? await countsWhenQuiet(gws, countsBefore) : null;
  for (const g of gws) await stopGateway(g);
  return { ingest, deliveries, log, commands, total };
}

/**
 * BENCH_LOG_LAG: seconds from the last delivery's arrival until the delivery log has recorded every row as
 * delivered (through REST), or NaN after BENCH_LOG_MS. The sends do not wait for the log; this is how far it
 * trails them, to within LOG_POLL_MS.
 */
async function logCaughtUp(gw, webhooks, lastArrival) {
  const deadline = Date.now() + Number(process.env.BENCH_LOG_MS ?? 120_000);
  for (;;) {
    const totals = await Promise.all(
      webhooks.map(async (id) => (await gw.api('GET', `/webhooks/${id}/deliveries?status=delivered&size=1`)).total),
    );
    if (totals.every((t) => t >= PER_DEVICE)) return (Date.now() - lastArrival) / 1000;
    if (Date.now() > deadline) {
      process.stderr.write(`  delivery log: ${totals.join(', ')} of ${PER_DEVICE} recorded by BENCH_LOG_MS\n`);
      await printWarnings(gw.proc);
      return NaN;
    }
    await sleep(LOG_POLL_MS);
  }
}

const fmt = (all) => {
  const xs = all.filter(Number.isFinite);
  return xs.length === 0
    ? 'skipped'
    : `${Math.round(median(xs)).toLocaleString('en')} (${Math.round(Math.min(...xs)).toLocaleString('en')}–${Math.round(Math.max(...xs)).toLocaleString('en')})`;
};

const rx = await startReceiver();
const db = await startFerretDb();
const bus = await startRedis();
const configs = [
  ['SQLite, 1 instance', 1, () => ({})],
  ['mongo, 1 instance', 1, (r) => ({ MONGODB_URI: `${db.uri.replace(/\/[^/?]*(\?|$)/, `/bench_${r}_1$1`)}` })],
  [
    'mongo, 2 instances',
    2,
    (r) => ({ MONGODB_URI: `${db.uri.replace(/\/[^/?]*(\?|$)/, `/bench_${r}_2$1`)}`, REDIS_URL: bus.url }),
  ],
];
const results = configs.map(() => ({ ingest: [], deliveries: [], log: [], commands: [] }));
const loads = [];
for (let r = 0; r < ROUNDS; r++) {
  for (const [i, [name, n, env]] of configs.entries()) {
    if (process.env.BENCH_ONLY && !process.env.BENCH_ONLY.split(',').includes(String(i))) continue;
    const x = await round(env(r), n, rx);
    // A stalled round stays in its place as NaN, so the ratios below still pair rounds by number.
    if (!x) results[i].stalled = (results[i].stalled ?? 0) + 1;
    results[i].ingest.push(x?.ingest ?? NaN);
    results[i].deliveries.push(x?.deliveries ?? NaN);
    results[i].log.push(x?.log ?? NaN);
    if (x?.commands) results[i].commands.push({ counts: x.commands, messages: x.total });
    loads.push(loadavg()[0]);
    if (!x) continue;
    process.stderr.write(
      `round ${r + 1} ${name}: ${Math.round(x.ingest)} msg/s, ${Math.round(x.deliveries)} deliveries/s` +
        `${LOG_LAG ? `, log recorded ${x.log.toFixed(1)} s after the last arrival` : ''}\n`,
    );
  }
}
console.log(
  `\n${DEVICES} devices × ${PER_DEVICE} QoS 1 messages, one webhook each; median of ${ROUNDS} interleaved rounds (min–max)\n`,
);
console.log('| configuration | durable QoS 1 ingest, msg/s | deliveries/s |\n|---|---|---|');
for (const [i, [name]] of configs.entries())
  console.log(
    `| ${name}${results[i].stalled ? ` (${results[i].stalled} round(s) stalled, dropped)` : ''} | ${fmt(results[i].ingest)} | ${fmt(results[i].deliveries)} |`,
  );
console.log(`load average (1 min) after each run: ${spread(loads, 2)}`);
if (COUNT) printCounts();
if (LOG_LAG) {
  console.log('\ndelivery log, every row recorded delivered, s after the last delivery arrived, median (min–max):');
  for (const [i, [name]] of configs.entries()) {
    const xs = results[i].log.filter(Number.isFinite);
    const missed = results[i].log.length - xs.length;
    const figure = xs.length === 0 ? 'n/a' : spread(xs, 1);
    console.log(`  ${name}: ${figure}${missed ? ` (${missed} round(s) not caught up or skipped)` : ''}`);
  }
}
/**
 * MongoDB commands (round trips) and documents written per message, by collection and command: the median
 * over the rounds of each configuration (counts move a little with batching: group commits gather what one
 * event-loop turn or window brings).
 */
function printCounts() {
  for (const [i, [name]] of configs.entries()) {
    const runs = results[i].commands;
    if (runs.length === 0) continue;
    const keys = [...new Set(runs.flatMap((r) => Object.keys(r.counts)))].sort();
    const per = (k, f) => median(runs.map((r) => (r.counts[k]?.[f] ?? 0) / r.messages));
    const fmt3 = (x) => (x === 0 ? '0' : x.toFixed(3));
    console.log(
      `\n${name}: MongoDB work per acknowledged QoS 1 message (= per delivered callback), median of ${runs.length}`,
    );
    console.log('| collection | command | round trips | documents written |\n|---|---|---|---|');
    let trips = 0;
    let docs = 0;
    for (const k of keys.filter((k) => PER_MESSAGE.includes(k.split(' ')[0]))) {
      const [coll, cmd] = k.split(' ');
      trips += per(k, 'trips');
      docs += per(k, 'docs');
      console.log(`| ${coll} | ${cmd} | ${fmt3(per(k, 'trips'))} | ${fmt3(per(k, 'docs'))} |`);
    }
    console.log(`| **per message** | | **${fmt3(trips)}** | **${fmt3(docs)}** |`);
    const timed = keys.filter((k) => !PER_MESSAGE.includes(k.split(' ')[0]));
    console.log(
      `time-driven (per run, not per message): ${timed.map((k) => `${k} ${Math.round(median(runs.map((r) => r.counts[k]?.trips ?? 0)))}`).join(', ')}`,
    );
  }
}

/** Ratios paired within each round (`a[r] / b[r]`): median (min–max), or why there is none. */
const paired = (a, b) => {
  const n = Math.min(a.length, b.length);
  const rs = Array.from({ length: n }, (_, r) => a[r] / b[r]).filter(Number.isFinite);
  if (rs.length === 0) return 'n/a (a configuration was skipped or stalled)';
  return `${median(rs).toFixed(2)}× (${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)})`;
};
console.log('\nratios paired per round, median (min–max):');
for (const what of ['ingest', 'deliveries']) {
  console.log(`  ${what}: mongo/SQLite (1 instance) ${paired(results[1][what], results[0][what])}`);
  console.log(`  ${what}: 2/1 instances (mongo) ${paired(results[2][what], results[1][what])}`);
}
console.log(
  '\nOn 2 cores scaling cannot be judged: the second instance, Redis, the database and the load generators share' +
    ' the same two cores, so 2/1 instances measures overhead, not what a second machine would add.',
);
await stopProcess(rx.proc);
await bus.stop();
await db.stop();
process.exit(0);

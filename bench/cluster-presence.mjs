// bench:cluster-presence — presence across two instances on one database (FerretDB from scripts/ferretdb.sh,
// or MONGODB_URI). First the follow lag: a device created through A, how long until B's REST knows it (B's
// registry, which its broker's authentication reads too, follows the change log every CLUSTER_POLL_MS; the bound
// asked for is 1 s). Then BENCH_PRESENCE_DEVICES devices connect to instance A: how long until B's REST shows
// every one online, then, after a kill -9 of A, how long until B shows every one offline (the bound is the lease
// plus one sweep beat: BENCH_LEASE_MS + a third). Median of BENCH_ROUNDS fresh rounds, with the spread.
import mqtt from 'mqtt';
import { median, sleep, spread, startFerretDb, startGateway, stopProcess } from './lib/procs.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DEVICES = Number(process.env.BENCH_PRESENCE_DEVICES ?? 2000);
const LEASE_MS = Number(process.env.BENCH_LEASE_MS ?? 10000);
const IN_FLIGHT = 200;
const FOLLOW_SAMPLES = 20;

/** Polls B's device list until `want` devices have `status`; returns ms since `t0`. */
async function until(gw, status, want, t0) {
  let said = Date.now();
  for (;;) {
    const { total } = await gw.api('GET', `/devices?status=${status}&size=1`);
    if (total >= want) return Date.now() - t0;
    if (Date.now() - said > 5000) {
      said = Date.now();
      process.stderr.write(`  waiting: ${total} of ${want} ${status} through B\n`);
    }
    await sleep(50);
  }
}

async function connectAll(url, devices) {
  const clients = [];
  let next = 0;
  const one = async () => {
    while (next < devices.length) {
      const d = devices[next++];
      const c = mqtt.connect(url, { username: d.id, password: d.token, reconnectPeriod: 0, keepalive: 600 });
      c.on('error', () => {});
      await new Promise((r) => c.once('connect', r));
      clients.push(c);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, one));
  return clients;
}

/** True once `gw`'s REST (its device registry, which follows the change log) knows the device. */
const known = (gw, id) =>
  gw.api('GET', `/devices/${id}`).then(
    () => true,
    () => false,
  );

/** Median ms from a device's creation through A until B's registry has it, over FOLLOW_SAMPLES devices. */
async function followLag(a, b) {
  const lags = [];
  for (let i = 0; i < FOLLOW_SAMPLES; i++) {
    const t0 = Date.now();
    const d = await a.api('POST', '/devices', { name: `follow${i}` });
    while (!(await known(b, d.id))) await sleep(5);
    lags.push(Date.now() - t0);
  }
  return median(lags);
}

async function round(uri, db) {
  const env = {
    MONGODB_URI: `${uri.replace(/\/$/, '')}/${db}`,
    DELIVERY_CLAIM_LEASE_MS: String(LEASE_MS),
    GATEWAY_SECRET_KEY: 'YmVuY2gtc2VjcmV0LWtleS0zMi1ieXRlcy1sb25nISE=',
  };
  const a = await startGateway({ ...env, GATEWAY_INSTANCE_ID: 'presence-a' });
  const b = await startGateway({ ...env, GATEWAY_INSTANCE_ID: 'presence-b' });
  process.stderr.write('  instances up\n');
  const follow = await followLag(a, b);
  const devices = [];
  for (let i = 0; i < DEVICES; i++) devices.push(await a.api('POST', '/devices', { name: `p${i}` }));
  process.stderr.write(`  ${DEVICES} devices created\n`);
  const t0 = Date.now();
  const clients = await connectAll(a.mqttUrl, devices);
  const connected = Date.now() - t0;
  process.stderr.write(`  connected in ${connected} ms\n`);
  const online = await until(b, 'online', DEVICES, t0);
  const killedAt = Date.now();
  await stopProcess(a.proc, 'SIGKILL');
  for (const c of clients) c.end(true);
  const offline = await until(b, 'offline', DEVICES + FOLLOW_SAMPLES, killedAt); // the follow devices too
  await b.stop();
  a.remove();
  b.remove();
  return { follow, connected, online, offline };
}

const fdb = await startFerretDb();
const rounds = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    const res = await round(fdb.uri, `bench_presence_${process.pid}_${r}`);
    process.stderr.write(`  round ${r + 1}: ${JSON.stringify(res)}\n`);
    rounds.push(res);
  }
} finally {
  await fdb.stop();
}
const col = (k) => rounds.map((x) => x[k]);
console.log(`presence across 2 instances, ${DEVICES} devices on A, lease ${LEASE_MS} ms, ${ROUNDS} rounds:`);
console.log(
  `  created on A, known to B    ${spread(col('follow'))} ms (median of ${FOLLOW_SAMPLES} devices per round)`,
);
console.log(`  all connected to A          ${spread(col('connected'))} ms`);
console.log(`  all online through B        ${spread(col('online'))} ms after the first connect`);
console.log(
  `  all offline through B       ${spread(col('offline'))} ms after kill -9 of A (bound ${Math.round(LEASE_MS * 1.34)} ms + the sweep's own time)`,
);
console.log(`  median offline / bound      ${(median(col('offline')) / (LEASE_MS * (4 / 3))).toFixed(2)}`);

// bench:device-size — what one device can make the gateway store (issue 19.2), measured, not timed. A device
// publishes BENCH_DATASTREAMS datastreams and BENCH_METADATA_KEYS metadata keys (through `info`), each value of
// BENCH_VALUE_BYTES; then BENCH_TRIGGERS one-byte messages each match a webhook with Kobiton's default payload.
// Printed: GET /devices/{id} bytes, the gateway's RSS growth, the SQLite growth and the delivery rows' `matched`
// bytes. Run it against another build with BENCH_MAIN=/path/to/dist/main.js (e.g. the commit before the bounds)
// to compare. BENCH_AT_BOUNDS=1 sizes everything just inside the default bounds (the worst a device can do now).
// BENCH_MONGO=1 stores in FerretDB (scripts/ferretdb.sh) or MONGODB_URI instead: the rows' `matched` is then
// measured as JSON of the stored documents (no file growth is printed).
import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import mqtt from 'mqtt';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN, sleep, startFerretDb, startGateway } from './lib/procs.mjs';

const AT_BOUNDS = process.env.BENCH_AT_BOUNDS === '1';
// At the bounds: one datastream short of DEVICE_MAX_DATASTREAMS (256), so the trigger datastream is the last.
const DATASTREAMS = Number(process.env.BENCH_DATASTREAMS ?? (AT_BOUNDS ? 255 : 300));
const METADATA_KEYS = Number(process.env.BENCH_METADATA_KEYS ?? 100);
const VALUE_BYTES = Number(process.env.BENCH_VALUE_BYTES ?? (AT_BOUNDS ? 4000 : 100_000));
// At the bounds the metadata shares DEVICE_MAX_METADATA_BYTES (64 KiB) between its keys.
const METADATA_VALUE_BYTES = AT_BOUNDS ? Math.floor(65536 / METADATA_KEYS) - 20 : VALUE_BYTES;
const TRIGGERS = Number(process.env.BENCH_TRIGGERS ?? 10);
const MAIN = process.env.BENCH_MAIN;
const MONGO = process.env.BENCH_MONGO === '1';

const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const fileBytes = (dir) =>
  ['gateway.db', 'gateway.db-wal'].reduce((n, f) => {
    try {
      return n + statSync(join(dir, f)).size;
    } catch {
      return n;
    }
  }, 0);
const mb = (bytes) => (bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1048576).toFixed(1)} MB`);
const publish = (c, topic, payload) =>
  new Promise((resolve, reject) => c.publish(topic, payload, { qos: 1 }, (e) => (e ? reject(e) : resolve())));

/** Each delivery row's `matched`, as stored: SQLite's column, or the mongo document's field as JSON. */
async function matchedSizes(dir, mongoUri) {
  if (!mongoUri) {
    const db = new Database(join(dir, 'gateway.db'), { readonly: true });
    const rows = db.prepare('SELECT length(matched) AS n FROM deliveries').all();
    db.close();
    return rows.map((r) => r.n);
  }
  const conn = await mongoose.createConnection(mongoUri).asPromise();
  const docs = await conn.db.collection('deliveries').find().toArray();
  await conn.close();
  return docs.map((d) => JSON.stringify(d.doc?.matched ?? d.matched ?? null).length);
}

const ferret = MONGO ? await startFerretDb() : null;
// A database of its own on that server (its host list and options kept).
const mongoUri =
  ferret &&
  ferret.uri.replace(
    /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?/,
    `$1/gwbench_size_${randomBytes(4).toString('hex')}`,
  );
const gw = await startGateway(
  {
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
    WEBHOOK_RETRY_SCHEDULE_MS: '3600000',
    ...(mongoUri ? { MONGODB_URI: mongoUri } : {}),
  },
  MAIN ? { main: MAIN } : {},
);
try {
  const device = await gw.api('POST', '/devices', { name: 'big' });
  await gw.api('POST', '/webhooks', {
    name: 'on trigger',
    trigger: 'DEVICE_DATASTREAM_UPDATE',
    dataTrigger: { deviceId: device.id, dataStream: 'trigger' },
    url: 'http://127.0.0.1:9/never', // attempts are an hour away: the rows stay pending, as written
  });
  const client = mqtt.connect(gw.mqttUrl, { username: device.id, password: device.token, reconnectPeriod: 0 });
  client.on('error', () => {});
  await new Promise((r) => client.once('connect', r));
  await sleep(500);
  const rss0 = rssKb(gw.proc.pid);
  for (let i = 0; i < DATASTREAMS; i++) await publish(client, `devices/${device.id}/ds/v${i}`, 'x'.repeat(VALUE_BYTES));
  for (let i = 0; i < METADATA_KEYS; i++)
    await publish(client, `devices/${device.id}/info`, JSON.stringify({ [`m${i}`]: 'y'.repeat(METADATA_VALUE_BYTES) }));
  await sleep(500); // the write-behind's flush
  const rss1 = rssKb(gw.proc.pid);
  const res = await fetch(`${gw.http}/api/v1/organization/devices/${device.id}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  const getBytes = (await res.arrayBuffer()).byteLength;

  const db0 = fileBytes(gw.dir);
  for (let i = 0; i < TRIGGERS; i++) await publish(client, `devices/${device.id}/ds/trigger`, String(i % 10));
  await sleep(500);
  const db1 = fileBytes(gw.dir);
  const sizes = await matchedSizes(gw.dir, mongoUri);
  client.end(true);

  const label = `${MAIN ?? 'this build'}${mongoUri ? ', FerretDB' : ''}`;
  console.log(
    `bench:device-size (${label}; ${DATASTREAMS} datastreams and ${METADATA_KEYS} metadata keys of ` +
      `${VALUE_BYTES}/${METADATA_VALUE_BYTES} bytes, ${TRIGGERS} trigger messages)`,
  );
  console.log(`  GET /devices/{id}          ${mb(getBytes)}`);
  console.log(`  RSS growth                 ${mb((rss1 - rss0) * 1024)}`);
  if (!mongoUri) console.log(`  SQLite growth (db + WAL)   ${mb(db1 - db0)}`);
  console.log(`  delivery rows              ${sizes.length}, 'matched' max ${Math.max(0, ...sizes)} bytes`);
} finally {
  await gw.stop();
  gw.remove();
  if (mongoUri) {
    const conn = await mongoose.createConnection(mongoUri).asPromise();
    await conn.dropDatabase();
    await conn.close();
  }
  await ferret?.stop();
}

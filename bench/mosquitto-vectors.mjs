// Mosquitto's raw-packet sequence tests (test/broker/data/*.json, run by its msg_sequence_test.py), MQTT 3.1.1
// cases ("ver": 4), replayed against a running broker with the same rules as Mosquitto's runner. Needs a
// Mosquitto checkout (not vendored here): node bench/mosquitto-vectors.mjs <mosquitto>/test/broker/data PORT
// [--failures]. The gateway must run with MQTT_SANDBOX=true (the vectors connect without credentials).
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

const [dir, portArg, ...flags] = process.argv.slice(2);
const port = Number(portArg ?? 1883);
const TIMEOUT_MS = 2000;

const u16 = (n) => Buffer.from([n >> 8, n & 255]);
const str = (s) => Buffer.concat([u16(Buffer.byteLength(s)), Buffer.from(s)]);
const varint = (n) => {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 128;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
};
const packet = (h, body) => Buffer.concat([Buffer.from([h]), varint(body.length), body]);
const genConnect = (id) => packet(0x10, Buffer.concat([str('MQTT'), Buffer.from([4, 2]), u16(60), str(id)]));
const CONNACK_OK = Buffer.from([0x20, 2, 0, 0]);

/** A socket with a byte queue: `recv(n)` waits for n bytes (or the close or the timeout) as Python's recv. */
function open() {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let closed = false;
    let wake = () => {};
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      wake();
    });
    s.on('close', () => {
      closed = true;
      wake();
    });
    s.on('error', () => {});
    s.once('connect', () =>
      resolve({
        send: (b) => s.write(b),
        // Python's recv(n) returns what is there (up to n) once anything is: the first chunk decides.
        async recv(n) {
          const deadline = Date.now() + TIMEOUT_MS;
          while (buf.length === 0 && !closed) {
            const left = deadline - Date.now();
            if (left <= 0) throw new Error('timeout');
            await new Promise((r) => {
              wake = r;
              setTimeout(r, left);
            });
          }
          const out = buf.subarray(0, n);
          buf = buf.subarray(out.length);
          return out;
        },
        close: () => s.destroy(),
      }),
    );
    s.once('error', reject);
  });
}

async function helperPublish(m) {
  const h = await open();
  h.send(genConnect('helper'));
  await h.recv(4);
  const payload = Buffer.from(m.payload ?? '');
  if (m.qos === 0) h.send(packet(0x30, Buffer.concat([str(m.topic), payload])));
  else {
    h.send(packet(0x30 | (m.qos << 1), Buffer.concat([str(m.topic), u16(1), payload])));
    await h.recv(4);
    if (m.qos === 2) {
      h.send(Buffer.from([0x62, 2, 0, 1]));
      await h.recv(4);
    }
  }
  h.close();
}

async function run(name, t) {
  const s = await open();
  try {
    if (t.connect !== false) {
      s.send(genConnect(name));
      const got = await s.recv(4);
      if (!got.equals(CONNACK_OK)) throw new Error(`default connack ${got.toString('hex')}`);
    }
    for (const m of t.msgs) {
      const bytes = m.payload && typeof m.payload === 'string' ? Buffer.from(m.payload.replace(/ /g, ''), 'hex') : null;
      if (m.type === 'send') s.send(bytes);
      else if (m.type === 'recv') {
        const got = await s.recv(bytes.length);
        if (!got.equals(bytes))
          throw new Error(`recv ${m.comment ?? ''} ${got.toString('hex')} != ${bytes.toString('hex')}`);
      } else if (m.type === 'publish') await helperPublish(m);
    }
    if (t.expect_disconnect !== false) {
      const got = await s.recv(1);
      if (got.length === 1) throw new Error('still connected');
    } else {
      s.send(Buffer.from([0xc0, 0]));
      const got = await s.recv(2);
      if (!got.equals(Buffer.from([0xd0, 0]))) throw new Error('connection failed');
    }
    return null;
  } catch (e) {
    return e.message;
  } finally {
    s.close();
  }
}

let total = 0;
let passed = 0;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  for (const g of JSON.parse(readFileSync(join(dir, file), 'utf8'))) {
    if (g.disable) continue;
    for (const t of g.tests) {
      if ((t.ver ?? 4) !== 4) continue;
      const name = `${g.group} ${t.name}`;
      total++;
      const failure = await run(name, t);
      if (failure === null) passed++;
      else if (flags.includes('--failures')) console.log(`FAIL ${file} ${name}: ${failure}`);
    }
  }
}
console.log(`${passed} of ${total} MQTT 3.1.1 vectors passed`);

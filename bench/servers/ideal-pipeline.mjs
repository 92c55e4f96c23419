// Baseline for bench:e2e, the ideal pipeline: bare Aedes with an in-process subscriber that turns each device
// value into a signed callback (Standard Webhooks headers, HMAC-SHA256 with node:crypto as the gateway signs)
// and POSTs it with undici to the receiver, 64 in flight. Both jobs on the same cores with nothing else: no
// matching, no durability (the PUBACK does not wait for anything), no retry bookkeeping.
// argv: <receiver url> [port]
import { Aedes } from 'aedes';
import { createHmac, createSecretKey, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Agent, request } from 'undici';

const [target, portArg] = process.argv.slice(2);
const CONCURRENCY = 64;
const key = createSecretKey(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
const agent = new Agent({ connections: CONCURRENCY });
const queue = [];
let head = 0;
let inFlight = 0;

function pump() {
  while (inFlight < CONCURRENCY && head < queue.length) {
    const body = queue[head];
    queue[head++] = undefined;
    if (head === queue.length) queue.length = head = 0;
    inFlight++;
    post(body).then(
      () => {
        inFlight--;
        pump();
      },
      (err) => {
        process.stderr.write(`ideal pipeline: ${err.message}\n`);
        process.exit(1);
      },
    );
  }
}

async function post(body) {
  const id = `msg_${randomUUID()}`;
  const ts = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
  const res = await request(target, {
    dispatcher: agent,
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'device-gateway-webhooks/1',
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': `v1,${signature}`,
    },
  });
  await res.body.text();
}

const broker = await Aedes.createBroker();
// The publisher's topic, devices/<id>/ds/<stream>: the value rendered into the body the bench's webhook has.
broker.subscribe(
  'devices/+/ds/+',
  (packet, done) => {
    queue.push(`{"t": ${packet.payload.toString()}}`);
    pump();
    done();
  },
  () => {
    const server = createServer(broker.handle);
    server.listen({ port: Number(portArg ?? 0), host: '127.0.0.1', backlog: 4096 }, () =>
      process.stdout.write(`ready ${server.address().port}\n`),
    );
    process.on('SIGTERM', () => broker.close(() => server.close(() => agent.close().then(() => process.exit(0)))));
  },
);

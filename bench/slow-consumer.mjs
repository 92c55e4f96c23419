// bench:slow-consumer — one slow client must not slow the others (Mosquitto's policy). A service subscriber on
// devices/+/ds/+ (bench/load/subscriber.mjs) receives BENCH_MESSAGES QoS 0 messages from one device publisher,
// alone, then beside a frozen subscriber: a raw TCP MQTT client on the same filter that subscribes and then
// stops reading its socket. Per round (alternating which comes first): the healthy subscriber's rate beside the
// frozen one over its rate alone, the publisher's time, the gateway's RSS peak above its level before the
// round, and whether the gateway had closed the frozen client by the end of the run. Medians (min–max).
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import mqttPacket from 'mqtt-packet';
import { ADMIN, benchDir, sleep, spread, start, startGateway, stopProcess } from './lib/procs.mjs';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// The healthy subscriber stops after this long without a message: longer than the gateway's drain timeout
// (MQTT_DRAIN_TIMEOUT_MS, 30 s), so a broker that stalls until it drops the frozen client shows it.
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 35000);
const FILTER = 'devices/+/ds/+';

/** QoS 0 messages the gateway dropped for slow consumers so far (every organization). */
async function droppedSoFar(gw) {
  const text = await (await fetch(`${gw.http}/metrics`)).text();
  const lines = text.split('\n').filter((l) => l.startsWith('gateway_mqtt_slow_consumer_dropped_total{'));
  return lines.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

/** Subscribes as a service client, then pauses its socket: nothing it is sent is read again. */
async function frozenSubscriber(mqttUrl) {
  const { hostname, port } = new URL(mqttUrl);
  const socket = connect(Number(port), hostname);
  await new Promise((r) => socket.once('connect', r));
  const state = { closed: false, socket };
  socket.on('error', () => {});
  socket.once('close', () => (state.closed = true));
  const gen = (p) => mqttPacket.generate(p);
  socket.write(
    gen({ cmd: 'connect', clientId: `frozen-${Date.now()}`, username: 'token', password: ADMIN, keepalive: 0 }),
  );
  socket.write(gen({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: FILTER, qos: 0 }] }));
  // CONNACK (4 bytes) and SUBACK (5 bytes) read, then the socket stops reading.
  let got = 0;
  await new Promise((resolve) => {
    const onData = (d) => {
      got += d.length;
      if (got >= 9) {
        socket.off('data', onData);
        socket.pause();
        resolve();
      }
    };
    socket.on('data', onData);
  });
  return state;
}

async function run(gw, device, withFrozen) {
  const frozen = withFrozen ? await frozenSubscriber(gw.mqttUrl) : null;
  const sub = start('node', [
    join(benchDir, 'load/subscriber.mjs'),
    gw.mqttUrl,
    'token',
    ADMIN,
    String(MESSAGES),
    '120000',
    String(IDLE_MS),
  ]);
  await sub.waitFor(/^ready/);
  const pub = start('node', [
    join(benchDir, 'load/publisher.mjs'),
    gw.mqttUrl,
    device.id,
    device.token,
    device.id,
    String(MESSAGES),
    '0',
    '1000',
  ]);
  await pub.waitFor(/^ready/);
  const dropped0 = await droppedSoFar(gw);
  const rss0 = rssKiB(gw.proc.pid);
  let rssPeak = rss0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssKiB(gw.proc.pid))), 50);
  pub.stdin.write('go\n');
  const [, , publishMs] = (await pub.waitFor(/^done/)).split(' ').map(Number);
  const [, got, ms] = (await sub.waitFor(/^received/)).split(' ').map(Number);
  clearInterval(sampler);
  // A paused socket sees no end: it reads what it was sent, and then its end if the gateway closed it.
  if (frozen) {
    frozen.socket.resume();
    await Promise.race([sleep(1000), new Promise((r) => frozen.socket.once('close', r))]);
  }
  const frozenClosed = frozen?.closed ?? false;
  frozen?.socket.destroy();
  const dropped = (await droppedSoFar(gw)) - dropped0;
  await Promise.all([stopProcess(pub), stopProcess(sub)]);
  await sleep(500); // the closes settle before the next run
  return { rate: (got / ms) * 1000, got, publishMs, rssMiB: (rssPeak - rss0) / 1024, frozenClosed, dropped };
}

const gw = await startGateway();
const device = await gw.api('POST', '/devices', { id: 'slow-consumer-pub', name: 'publisher' });
const alone = [];
const beside = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order, so neither case always runs on a warmer process.
  if (round % 2 === 0) {
    alone.push(await run(gw, device, false));
    beside.push(await run(gw, device, true));
  } else {
    beside.push(await run(gw, device, true));
    alone.push(await run(gw, device, false));
  }
  const a = alone[round];
  const b = beside[round];
  process.stderr.write(
    `  round ${round + 1}: alone ${a.rate.toFixed(0)} msg/s (${a.got}), beside frozen ${b.rate.toFixed(0)} msg/s ` +
      `(${b.got}), publisher ${a.publishMs.toFixed(0)} / ${b.publishMs.toFixed(0)} ms, RSS +${b.rssMiB.toFixed(1)} MiB, ` +
      `frozen ${b.frozenClosed ? 'closed' : 'still connected'}, ${b.dropped} dropped for it\n`,
  );
}
await gw.stop();
gw.remove();

const pick = (xs, k) => xs.map((x) => x[k]);
console.log(
  `\nslow-consumer bench: ${MESSAGES} QoS 0 messages (100 B) on ${FILTER}, ${ROUNDS} rounds: median (min–max)`,
);
console.log(
  `healthy subscriber alone:         ${spread(pick(alone, 'rate'))} msg/s, received ${spread(pick(alone, 'got'))}`,
);
console.log(
  `healthy beside a frozen one:      ${spread(pick(beside, 'rate'))} msg/s, received ${spread(pick(beside, 'got'))}`,
);
console.log(
  `ratio per round (beside / alone): ${spread(
    beside.map((b, i) => b.rate / alone[i].rate),
    2,
  )}x`,
);
console.log(
  `publisher time alone / beside:    ${spread(pick(alone, 'publishMs'))} / ${spread(pick(beside, 'publishMs'))} ms`,
);
console.log(
  `gateway RSS peak above the start of the run: alone ${spread(pick(alone, 'rssMiB'), 1)} MiB, ` +
    `beside ${spread(pick(beside, 'rssMiB'), 1)} MiB; frozen client closed by the gateway within the run in ` +
    `${beside.filter((b) => b.frozenClosed).length}/${ROUNDS} rounds`,
);
console.log(
  `QoS 0 messages dropped for slow consumers: alone ${spread(pick(alone, 'dropped'))}, beside ${spread(pick(beside, 'dropped'))}`,
);

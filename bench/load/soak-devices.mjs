// The soak's steady device load, in one process: `steady` devices each publishing datastream `t` (matched by a
// webhook, QoS 0 and QoS 1 alternately) and `u` (matched by none) at a fixed rate, and `flapping` devices that
// connect and disconnect every `flapMs` (online/offline events). On "stop" it ends every client cleanly and
// prints `stopped <t messages sent and, for QoS 1, acknowledged> <status transitions caused> <u messages>`.
import mqtt from 'mqtt';

const [url, devicesJson, rateArg, flapMsArg] = process.argv.slice(2);
const { steady, flapping } = JSON.parse(devicesJson);
const rate = Number(rateArg); // messages of `t` per device per second
const flapMs = Number(flapMsArg);
const counts = { t: 0, status: 0, u: 0 };
const connect = (d) =>
  new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { username: d.id, password: d.token, clientId: d.id, reconnectPeriod: 0 });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
const end = (c) => new Promise((r) => c.end(false, {}, r));

const clients = await Promise.all(steady.map(connect));
process.stdout.write('ready\n');
await new Promise((r) => process.stdin.once('data', r));

let stopping = false;
let inFlight = 0;
let tick = 0;
const pump = setInterval(() => {
  tick++;
  for (const [i, c] of clients.entries()) {
    for (let k = 0; k < rate / 10; k++) {
      const qos = (tick + k + i) % 2;
      inFlight++;
      c.publish(`devices/${steady[i].id}/ds/t`, String(Date.now()), { qos }, (err) => {
        inFlight--;
        if (!err) counts.t++;
      });
    }
    if (tick % 10 === 0) {
      c.publish(`devices/${steady[i].id}/ds/u`, String(tick), { qos: 0 });
      counts.u++;
    }
  }
}, 100);

// Each flapping device: connect (→ online), hold flapMs, disconnect (→ offline), wait flapMs, again.
const flappers = flapping.map(async (d) => {
  while (!stopping) {
    const c = await connect(d);
    counts.status++;
    await new Promise((r) => setTimeout(r, flapMs));
    await end(c);
    counts.status++;
    await new Promise((r) => setTimeout(r, flapMs));
  }
});

await new Promise((r) => process.stdin.once('data', r));
stopping = true;
clearInterval(pump);
while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
await Promise.all([...clients.map(end), ...flappers]);
process.stdout.write(`stopped ${counts.t} ${counts.status} ${counts.u}\n`);
process.exit(0);

// Counts messages on devices/+/ds/+ and reports the receive rate between the first and the last.
// With `idleMs`, it also finishes once no message came for that long (a broker may drop QoS 0 to a slow reader).
import mqtt from 'mqtt';

const [url, username, password, expectedArg, timeoutArg, idleArg] = process.argv.slice(2);
const idleMs = Number(idleArg ?? 0);
const expected = Number(expectedArg);
const client = mqtt.connect(url, {
  username: username || undefined,
  password: password || undefined,
  reconnectPeriod: 0,
});
client.on('error', (e) => {
  process.stderr.write(`subscriber: ${e.message}\n`);
  process.exit(1);
});
await new Promise((r) => client.once('connect', r));
await client.subscribeAsync('devices/+/ds/+', { qos: 0 });
let n = 0,
  first = 0,
  last = 0;
const finish = () => {
  const end = idleMs ? last : performance.now();
  process.stdout.write(`received ${n} ${n > 1 ? (end - first).toFixed(1) : 0}\n`);
  client.end(true, {}, () => process.exit(0));
};
client.on('message', () => {
  last = performance.now();
  if (n++ === 0) first = last;
  if (n === expected) finish();
});
if (idleMs) setInterval(() => n > 0 && performance.now() - last > idleMs && finish(), idleMs / 4).unref();
setTimeout(finish, Number(timeoutArg ?? 30000)).unref();
process.stdout.write('ready\n');

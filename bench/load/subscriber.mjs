// Counts messages on devices/+/ds/+ and reports the receive rate between the first and the last.
import mqtt from 'mqtt';

const [url, username, password, expectedArg, timeoutArg] = process.argv.slice(2);
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
  first = 0;
const finish = () => {
  process.stdout.write(`received ${n} ${n > 1 ? (performance.now() - first).toFixed(1) : 0}\n`);
  client.end(true, {}, () => process.exit(0));
};
client.on('message', () => {
  if (n++ === 0) first = performance.now();
  if (n === expected) finish();
});
setTimeout(finish, Number(timeoutArg ?? 30000)).unref();
process.stdout.write('ready\n');

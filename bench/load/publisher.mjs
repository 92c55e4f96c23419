// One device publishing `count` 100-byte datastream values as fast as the broker takes them.
// A window of messages in flight: for QoS 0 until written to the socket, for QoS 1 until PUBACK.
// Mode `time`: each value is the publish time (Date.now()), for publish → callback latency; `key` names the stream.
import mqtt from 'mqtt';

const [url, username, password, deviceId, countArg, qosArg, windowArg, mode, key = 'level'] = process.argv.slice(2);
const count = Number(countArg),
  qos = Number(qosArg),
  window = Number(windowArg ?? 64);
const payload = JSON.stringify('x'.repeat(98)); // 100 bytes
const client = mqtt.connect(url, {
  username: username || undefined,
  password: password || undefined,
  clientId: `${deviceId}-bench`,
  reconnectPeriod: 0,
});
client.on('error', (e) => {
  process.stderr.write(`publisher: ${e.message}\n`);
  process.exit(1);
});
await new Promise((r) => client.once('connect', r));
process.stdout.write('ready\n');
await new Promise((r) => process.stdin.once('data', r)); // go signal

const topic = `devices/${deviceId}/ds/${key}`;
const next = mode === 'time' ? () => String(Date.now()) : () => payload;
const start = performance.now();
let sent = 0,
  done = 0;
await new Promise((resolve) => {
  const pump = () => {
    while (sent < count && sent - done < window) {
      sent++;
      client.publish(topic, next(), { qos }, () => {
        done++;
        if (done === count) resolve();
        else pump();
      });
    }
  };
  pump();
});
process.stdout.write(`done ${count} ${(performance.now() - start).toFixed(1)}\n`);
client.end(false, {}, () => process.exit(0));

// Holds `count` authenticated MQTT connections (devices conn-{first}…) from one loopback source address, opened
// `window` at a time, on bare sockets (a CONNECT written, the CONNACK read) so the client side stays small.
// Prints `connected <ok> <refused> <closed> <startMs> <endMs>` (wall-clock ms), then holds them until stdin closes.
import { connect } from 'node:net';
import mqttPacket from 'mqtt-packet';

const [host, portArg, localAddress, firstArg, countArg, windowArg, token, keepaliveArg] = process.argv.slice(2);
const port = Number(portArg),
  first = Number(firstArg),
  count = Number(countArg),
  window = Number(windowArg ?? 200),
  keepalive = Number(keepaliveArg ?? 300);
const sockets = [];
const outcome = { ok: 0, refused: 0, closed: 0 };

function open(i) {
  return new Promise((resolve) => {
    const id = `conn-${i}`;
    const socket = connect({ host, port, localAddress });
    let settled = false;
    const settle = (kind) => {
      if (settled) return;
      settled = true;
      outcome[kind]++;
      resolve();
    };
    socket.setNoDelay(true);
    socket.once('connect', () => {
      const packet = { cmd: 'connect', clientId: id, username: id, password: Buffer.from(token), keepalive };
      socket.write(mqttPacket.generate({ ...packet, protocolVersion: 4, clean: true }));
    });
    socket.once('data', (b) => {
      // CONNACK: 0x20 0x02 <flags> <return code>
      if (b[0] === 0x20 && b[3] === 0) {
        sockets.push(socket);
        return settle('ok');
      }
      settle('refused');
      socket.destroy();
    });
    socket.on('error', () => settle('closed'));
    socket.once('close', () => settle('closed'));
  });
}

process.stdout.write('ready\n');
await new Promise((r) => process.stdin.once('data', r));
const startMs = Date.now();
let next = first;
const worker = async () => {
  while (next < first + count) await open(next++);
};
await Promise.all(Array.from({ length: window }, worker));
const endMs = Date.now();
process.stdout.write(`connected ${outcome.ok} ${outcome.refused} ${outcome.closed} ${startMs} ${endMs}\n`);
// PINGREQ every keepalive/2 so the broker's keepalive never fires during a long hold.
setInterval(
  () => {
    for (const s of sockets) if (!s.destroyed) s.write(Buffer.from([0xc0, 0]));
  },
  (keepalive * 1000) / 2,
).unref();
process.stdin.once('end', () => {
  for (const s of sockets) s.destroy();
  process.exit(0);
});
process.stdin.resume();

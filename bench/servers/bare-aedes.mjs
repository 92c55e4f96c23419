// Baseline: Aedes with no hooks on a TCP port, the floor the gateway is compared against.
import { Aedes } from 'aedes';
import { createServer } from 'node:net';

const broker = await Aedes.createBroker();
const server = createServer(broker.handle);
// The gateway's listen backlog (src/broker/broker.service.ts), so connect bursts are compared on equal terms.
server.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1', backlog: 4096 }, () =>
  process.stdout.write(`ready ${server.address().port}\n`),
);
process.on('SIGTERM', () => {
  broker.close(() => server.close(() => process.exit(0)));
});

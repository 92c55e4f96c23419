// Baseline: Aedes with no hooks on a TCP port, the floor the gateway is compared against.
import { Aedes } from 'aedes';
import { createServer } from 'node:net';

const broker = await Aedes.createBroker();
const server = createServer(broker.handle);
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () =>
  process.stdout.write(`ready ${server.address().port}\n`),
);
process.on('SIGTERM', () => {
  broker.close(() => server.close(() => process.exit(0)));
});

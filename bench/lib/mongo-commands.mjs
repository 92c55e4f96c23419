// Preloaded into a gateway child (`node --import <this> dist/main.js`) by bench:cluster with BENCH_COUNT=1: turns
// on the MongoDB driver's command monitoring for every mongoose connection and counts, per collection and
// command, the commands sent (round trips) and the documents they write (inserted, updated or deleted
// statements). On SIGUSR2 it prints one line, `mongo-commands <json>`, the counts so far.
import mongoose from 'mongoose';

const counts = {};
const WRITES = { insert: 'documents', update: 'updates', delete: 'deletes' };
const createConnection = mongoose.createConnection;
mongoose.createConnection = function (uri, options = {}) {
  const conn = createConnection.call(this, uri, { ...options, monitorCommands: true });
  conn.asPromise().then(
    () =>
      conn.getClient().on('commandStarted', (e) => {
        const collection = typeof e.command[e.commandName] === 'string' ? e.command[e.commandName] : '-';
        const key = `${collection} ${e.commandName}`;
        const c = (counts[key] ??= { trips: 0, docs: 0 });
        c.trips++;
        c.docs += e.command[WRITES[e.commandName]]?.length ?? 0;
      }),
    () => undefined,
  );
  return conn;
};
process.on('SIGUSR2', () => process.stdout.write(`mongo-commands ${JSON.stringify(counts)}\n`));

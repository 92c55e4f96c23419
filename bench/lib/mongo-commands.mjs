// Preloaded into a gateway child (`node --import <this> dist/main.js`) by bench:cluster with BENCH_COUNT=1: turns
// on the MongoDB driver's command monitoring for every mongoose connection and counts, per collection and
// command, the commands sent (round trips) and the documents they write (the server's count `n` of inserted,
// matched or deleted documents). On SIGUSR2 it prints one line, `mongo-commands <json>`, the counts so far.
import mongoose from 'mongoose';

const counts = {};
const WRITES = new Set(['insert', 'update', 'delete']);
const createConnection = mongoose.createConnection;
mongoose.createConnection = function (uri, options = {}) {
  const conn = createConnection.call(this, uri, { ...options, monitorCommands: true });
  const started = new Map();
  conn.asPromise().then(
    () => {
      const client = conn.getClient();
      client.on('commandStarted', (e) => {
        const collection = typeof e.command[e.commandName] === 'string' ? e.command[e.commandName] : '-';
        const key = `${collection} ${e.commandName}`;
        (counts[key] ??= { trips: 0, docs: 0 }).trips++;
        if (WRITES.has(e.commandName)) started.set(e.requestId, key);
      });
      client.on('commandSucceeded', (e) => {
        const key = started.get(e.requestId);
        if (key === undefined) return;
        started.delete(e.requestId);
        counts[key].docs += e.reply?.n ?? 0;
      });
      client.on('commandFailed', (e) => started.delete(e.requestId));
    },
    () => undefined,
  );
  return conn;
};
process.on('SIGUSR2', () => process.stdout.write(`mongo-commands ${JSON.stringify(counts)}\n`));

import type { CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import mongoose from 'mongoose';
import { auth, createDevice, deviceClient, endClient, publish, startTestGateway, waitFor } from './support/harness.js';
import { dropDatabase, mongoTestUri } from './support/mongo.js';
import { startReceiver } from './support/receiver.js';
import { describeWith } from './support/requirements.js';

/**
 * The MongoDB work a QoS 1 message costs, counted through the driver's command monitoring: commands (round
 * trips) and documents written, by collection, from the first PUBLISH until the gateway has stopped (the
 * delivery log and the claims' release written). Messages go one at a time, each after the callback of the one
 * before, so no group commit gathers two: the counts are the per-message worst case, and deterministic.
 * docs/benchmarks.md has the table (and bench:cluster the same count under load).
 */
const MESSAGES = 8;
const WRITES = new Set(['insert', 'update', 'delete']);
type Counts = Record<string, { trips: number; docs: number }>;

/** Every connection mongoose opens from now on monitors its commands into `counts` (when `on`). */
function countCommands(): { counts: Counts; on: boolean; restore(): void } {
  const state = { counts: {} as Counts, on: false, restore: () => {} };
  const original = mongoose.createConnection.bind(mongoose);
  const patched = (uri: string, options: mongoose.ConnectOptions = {}) => {
    const conn = original(uri, { ...options, monitorCommands: true });
    const started = new Map<number, string>();
    void conn.asPromise().then(
      () => {
        const client = conn.getClient();
        client.on('commandStarted', (e: CommandStartedEvent) => {
          if (!state.on) return;
          const collection = typeof e.command[e.commandName] === 'string' ? (e.command[e.commandName] as string) : '-';
          const key = `${collection} ${e.commandName}`;
          (state.counts[key] ??= { trips: 0, docs: 0 }).trips++;
          if (WRITES.has(e.commandName)) started.set(e.requestId, key);
        });
        // Documents written: the server's own count (a delete by `$in` is one statement of many documents).
        client.on('commandSucceeded', (e: CommandSucceededEvent) => {
          const key = started.get(e.requestId);
          if (key === undefined) return;
          started.delete(e.requestId);
          state.counts[key].docs += (e.reply as { n?: number }).n ?? 0;
        });
      },
      () => undefined,
    );
    return conn;
  };
  mongoose.createConnection = patched as typeof mongoose.createConnection;
  state.restore = () => void (mongoose.createConnection = original as typeof mongoose.createConnection);
  return state;
}

const uri = mongoTestUri('work_per_message');
describeWith(['mongo'], 'MongoDB work per acknowledged QoS 1 message', () => {
  afterAll(() => dropDatabase(uri!));

  it('writes 2 documents per delivered message, at most half of before (the attempt in the row, the claim by the row)', async () => {
    const monitor = countCommands();
    const rx = await startReceiver();
    const gw = await startTestGateway({
      MONGODB_URI: uri!,
      GATEWAY_INSTANCE_ID: 'work-1',
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
      // The write-behinds (device run-time state, webhook counters) write once per period whatever the
      // message count: here only at the stop, so the figures below are the per-message work alone.
      WRITE_BEHIND_FLUSH_MS: '60000',
    });
    let stopped = false;
    try {
      const d = await createDevice(gw, { name: 'counted' });
      const { body: webhook } = await gw
        .http()
        .post('/api/v1/organization/webhooks')
        .set(auth())
        .send({
          name: 'counted',
          trigger: 'DEVICE_DATASTREAM_UPDATE',
          url: `${rx.url}/w`,
          body: '{"v": {device_pinValue}}',
          dataTrigger: { deviceId: d.id, dataStream: 'v' },
        })
        .expect(201);
      const client = await deviceClient(gw, d);
      monitor.on = true;
      for (let i = 1; i <= MESSAGES; i++) {
        await publish(client, `devices/${d.id}/ds/v`, String(i), 1);
        await rx.wait(i, '/w');
      }
      await endClient(client);
      // Every row's final state written (the log trails the sends), counted by the monitor itself: a REST
      // poll would add reads of its own. Then the stop writes the claims' release.
      const rowUpdates = () => monitor.counts['deliveries update']?.docs ?? 0;
      await waitFor(rowUpdates, (n) => n >= MESSAGES, 20_000);
      // The log as REST shows it (its reads not counted): each delivery with the attempt its update carried.
      monitor.on = false;
      const { body: log } = await gw
        .http()
        .get(`/api/v1/organization/webhooks/${webhook.id as number}/deliveries?size=${MESSAGES}`)
        .set(auth())
        .expect(200);
      expect(log.items).toHaveLength(MESSAGES);
      for (const item of log.items as Record<string, unknown>[]) {
        expect(item).toMatchObject({ status: 'delivered', attempts: [{ n: 1, statusCode: 200 }] });
        expect(item).not.toHaveProperty('claimedBy');
      }
      monitor.on = true;
      await gw.stop();
      stopped = true;
    } finally {
      monitor.on = false;
      monitor.restore();
      if (!stopped) await gw.stop();
      await rx.close();
    }
    const c = (key: string) => monitor.counts[key] ?? { trips: 0, docs: 0 };
    const per = (x: number) => (x / MESSAGES).toFixed(2);
    process.stdout.write(
      `MongoDB work per message (${MESSAGES} one at a time), round trips/documents written:\n${Object.entries(
        monitor.counts,
      )
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => `  ${k} ${per(x.trips)}/${per(x.docs)}`)
        .join('\n')}\n`,
    );
    // The outbox insert, then one update holding the final state and the attempt; nothing in delivery_attempts.
    expect(c('deliveries insert').docs).toBe(MESSAGES);
    expect(c('deliveries update').docs).toBe(MESSAGES);
    expect(c('delivery_attempts update').trips).toBe(0);
    // The committing instance holds its rows by `claimedBy` in the row itself: no claim record written or deleted.
    expect(c('delivery_claims insert').trips + c('delivery_claims delete').trips).toBe(0);
    // Writes per message on the delivery path, measured so: 2 documents in 1.9 round trips. Before (an attempt
    // document beside the row, a claim record inserted and deleted): 5 documents in 4.1 round trips.
    const writes = Object.entries(monitor.counts).filter(([k]) => /^deliver.* (insert|update|delete)$/.test(k));
    expect(writes.reduce((a, [, x]) => a + x.docs, 0)).toBeLessThanOrEqual(2 * MESSAGES);
    expect(writes.reduce((a, [, x]) => a + x.trips, 0)).toBeLessThanOrEqual(2 * MESSAGES);
  }, 60_000);
});

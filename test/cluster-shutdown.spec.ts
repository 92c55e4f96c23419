import { jest } from '@jest/globals';
import mongoose from 'mongoose';
import type { MqttClient } from 'mqtt';
import { clusterEnv, clusterSuite, connectDevice, counterDevice, until } from './support/cluster.js';
import { mongoTestUri } from './support/mongo.js';
import { describeWith } from './support/requirements.js';

jest.setTimeout(240_000);

const uri = mongoTestUri('cluster_shutdown');
const suite = (name: string, fn: () => void) => describeWith(['mongo'], name, fn);

/**
 * A gateway on MONGODB_URI (FerretDB in the test run) stopped by SIGTERM while devices publish QoS 1 as fast
 * as it acknowledges: it exits by itself (before, the delivery log's last write waited on a backlog FerretDB
 * needed minutes for), and no acknowledged message is lost: a restart on the same database delivers each one.
 */
suite('cluster: SIGTERM under QoS 1 load with MONGODB_URI', () => {
  const cluster = clusterSuite(uri!);

  it('exits cleanly, and every acknowledged message has its delivery stored', async () => {
    const rx = await cluster.receiver();
    const env = clusterEnv(uri!);
    const a = await cluster.start('solo', env);
    const acked = new Map<string, Set<number>>();
    const names = new Map<string, string>();
    const clients: MqttClient[] = [];
    const pumps: NodeJS.Timeout[] = [];
    for (const name of ['d0', 'd1']) {
      const device = await counterDevice(a, name, `${rx.url}/${name}`);
      names.set(device.id, name);
      const got = new Set<number>();
      acked.set(`/${name}`, got);
      const client = await connectDevice(a, device);
      clients.push(client);
      // A window of 64 in flight, refilled as PUBACKs come: as fast as the gateway acknowledges.
      let n = 0;
      let inFlight = 0;
      const fill = () => {
        while (inFlight < 64 && client.connected) {
          const v = ++n;
          inFlight++;
          client.publish(`devices/${device.id}/ds/n`, String(v), { qos: 1 }, (err) => {
            inFlight--;
            if (!err) got.add(v);
          });
        }
      };
      pumps.push(setInterval(fill, 1));
    }
    const total = () => [...acked.values()].reduce((s, v) => s + v.size, 0);
    await until('2000 acknowledged messages', () => total() >= 2000, 120_000);

    a.child.kill('SIGTERM');
    let forced = false;
    const guard = setTimeout(() => ((forced = true), a.child.kill('SIGKILL')), 60_000); // generous: the outcome is asserted
    await a.exited;
    clearTimeout(guard);
    for (const p of pumps) clearInterval(p);
    for (const c of clients) c.end(true);
    expect({ forced, code: a.child.exitCode, signal: a.child.signalCode }).toEqual({
      forced: false,
      code: 0,
      signal: null,
    });

    // Every acknowledged message's delivery was committed before its PUBACK: its row is in the database
    // (delivered, or pending and sent again at the next start).
    const conn = await mongoose.createConnection(uri!, { serverSelectionTimeoutMS: 5000 }).asPromise();
    try {
      const rows = await conn
        .collection('deliveries')
        .find({}, { projection: { webhookId: 1, 'doc.matched.event.value': 1, 'doc.matched.event.deviceId': 1 } })
        .toArray();
      const stored = new Map<string, Set<number>>();
      for (const r of rows) {
        const e = (r as unknown as { doc: { matched: { event: { deviceId: string; value: unknown } } } }).doc.matched
          .event;
        const path = `/${names.get(e.deviceId)}`;
        stored.set(path, (stored.get(path) ?? new Set()).add(Number(e.value)));
      }
      const missing: string[] = [];
      for (const [path, values] of acked)
        for (const v of values) if (!stored.get(path)?.has(v)) missing.push(`${path}:${v}`);
      expect({ acked: total(), missing: missing.slice(0, 10) }).toEqual({ acked: total(), missing: [] });
    } finally {
      await conn.close();
    }
  });
});

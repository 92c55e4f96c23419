import { jest } from '@jest/globals';
import { auth } from './support/harness.js';
import { clusterEnv, clusterSuite, connectDevice, counterDevice, until } from './support/cluster.js';
import { mongoTestUri } from './support/mongo.js';
import { describeWith } from './support/requirements.js';

jest.setTimeout(180_000);

const uri = mongoTestUri('cluster_deliveries');
const suite = (name: string, fn: () => void) => describeWith(['mongo'], name, fn);

/**
 * Two gateway processes on one database (FerretDB in the test run): outbox claims with leases. A kill -9 of the
 * instance a device publishes to, under QoS 1 load, loses no acknowledged message: the other instance takes
 * over the dead one's claims once their lease ends, and resends with the same webhook-id; the dead one's device
 * goes offline.
 */
suite('cluster: outbox claims across instances', () => {
  const cluster = clusterSuite(uri!);

  it('delivers every acknowledged message once the survivor takes over the killed instance’s claims', async () => {
    const rx = await cluster.receiver(() => ({ status: 200, body: 'ok', delayMs: 5 }));
    const env = clusterEnv(uri!, { WEBHOOK_CONCURRENCY: '2', WEBHOOK_TIMEOUT_MS: '2000' });
    const a = await cluster.start('a', env);
    const device = await counterDevice(a, 'n', `${rx.url}/n`);
    const b = await cluster.start('b', env);

    const acked = new Set<number>();
    const client = await connectDevice(a, device);
    let n = 0;
    const pump = setInterval(() => {
      for (let i = 0; i < 10; i++) {
        const v = ++n;
        client.publish(`devices/${device.id}/ds/n`, String(v), { qos: 1 }, (err) => {
          if (!err) acked.add(v);
        });
      }
    }, 2);
    await until('500 acknowledged messages', () => acked.size >= 500, 60_000);
    const statusOnB = async () =>
      (await b.http().get(`/api/v1/organization/devices/${device.id}`).set(auth())).body.status as string;
    await until('the device online through b', async () => (await statusOnB()) === 'online', 5000);
    await a.kill();
    const killedAt = Date.now();
    clearInterval(pump);
    client.end(true);
    const beforeKill = rx.received.length;
    // Its device goes offline for the survivor within the lease (1.5 s here) plus one sweep beat, and slack.
    await until(
      'the killed instance’s device offline through b',
      async () =>
        (await b.http().get(`/api/v1/organization/devices/${device.id}`).set(auth())).body.status === 'offline',
      5000,
    );

    const seen = () => new Set(rx.received.map((r) => JSON.parse(r.body).n as number));
    const missing = () => {
      const got = seen();
      return [...acked].filter((v) => !got.has(v));
    };
    await until('every acknowledged message delivered', () => missing().length === 0, 60_000).catch(() => {}); // the assertion below names what is missing
    expect({ acked: acked.size, missing: missing().slice(0, 10) }).toEqual({ acked: acked.size, missing: [] });
    // The kill left deliveries behind; the survivor sent them, once the killed one's leases had ended.
    expect(rx.received.length).toBeGreaterThan(beforeKill);
    expect(rx.received.slice(beforeKill).every((r) => r.at >= killedAt)).toBe(true);
    const idsByValue = new Map<number, Set<string>>();
    for (const r of rx.received) {
      const v = JSON.parse(r.body).n as number;
      idsByValue.set(v, (idsByValue.get(v) ?? new Set()).add(String(r.headers['webhook-id'])));
    }
    expect([...idsByValue.values()].filter((ids) => ids.size > 1)).toEqual([]);
  });
});

import { jest } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { auth, connectMqtt, endClient, publish } from './support/harness.js';
import { clusterEnv, type Instance, startInstance, until } from './support/cluster.js';
import { ensureBuilt } from './support/gateway-process.js';
import { dropDatabase, mongoTestUri } from './support/mongo.js';
import { type Receiver, startReceiver, WEBHOOKS } from './support/receiver.js';
import { describeWith } from './support/requirements.js';

jest.setTimeout(120_000);

const uri = mongoTestUri('cluster_caches');
const suite = (name: string, fn: () => void) => describeWith(['mongo'], name, fn);
/**
 * A change made through one instance is seen by the other within about CLUSTER_POLL_MS (100 in clusterEnv) plus a
 * database round trip. How soon is measured by `npm run bench:cluster-presence` (the follow lag); here only that it
 * is followed, with a timeout loose enough for a loaded CI box (a timed assertion would test the machine).
 */
const FOLLOW_TIMEOUT_MS = 15_000;

type Device = { id: string; token: string };
const values = (rx: Receiver, path: string) =>
  rx.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body) as { d: string; n: number });

/**
 * Two gateway processes on one database, started at the same moment with the same admin token: a REST write
 * through one is followed by the other's caches (registry, webhook catalog, trigger index), and each event fires
 * each webhook once, whichever instance the device is connected to.
 */
suite('cluster: caches follow the database', () => {
  let rx: Receiver;
  let a: Instance;
  let b: Instance;
  const clients: MqttClient[] = [];
  beforeAll(async () => {
    ensureBuilt();
    rx = await startReceiver();
    const env = clusterEnv(uri!);
    [a, b] = await Promise.all([startInstance('a', env), startInstance('b', env)]);
  });
  afterAll(async () => {
    for (const c of clients) await endClient(c);
    await a?.kill();
    await b?.kill();
    await rx?.close();
    if (uri) await dropDatabase(uri);
  });

  const connectWhenKnown = async (gw: Instance, d: Device) => {
    let client: MqttClient | null = null;
    await until(
      `device ${d.id} accepted`,
      async () => {
        client = await connectMqtt(gw, { clientId: `${d.id}-c`, username: d.id, password: d.token }).catch(() => null);
        return client !== null;
      },
      FOLLOW_TIMEOUT_MS,
    );
    clients.push(client!);
    return client!;
  };

  it('sees devices and webhooks made through the other instance, and fires each webhook once per event', async () => {
    const create = async (name: string) =>
      (await a.http().post('/api/v1/organization/devices').set(auth()).send({ name, templateId: 't1' }).expect(201))
        .body as Device;
    const [d1, d2] = [await create('one'), await create('two')];
    const hook = (
      await a
        .http()
        .post(WEBHOOKS)
        .set(auth())
        .send({
          name: 'n',
          trigger: 'PRODUCT_DATASTREAM_UPDATE',
          url: `${rx.url}/w`,
          body: '{"d": "{device_id}", "n": {device_pinValue}}',
          dataTrigger: { templateId: 't1', dataStream: 'n' },
        })
        .expect(201)
    ).body as { id: number };
    const onA = await connectWhenKnown(a, d1);
    const onB = await connectWhenKnown(b, d2); // created through A, accepted by B's registry
    // B's trigger index learnt the webhook through the change log; the first match shows it.
    await until('B fires the webhook made on A', async () => {
      await publish(onB, `devices/${d2.id}/ds/n`, '0');
      return values(rx, '/w').some((v) => v.d === d2.id);
    });
    const before = rx.received.length;
    for (let i = 1; i <= 10; i++) {
      await publish(onA, `devices/${d1.id}/ds/n`, String(i));
      await publish(onB, `devices/${d2.id}/ds/n`, String(100 + i));
    }
    await until('20 callbacks', () => rx.received.slice(before).filter((r) => !r.body.includes('"n": 0')).length >= 20);
    const got = rx.received
      .slice(before)
      .map((r) => `${(JSON.parse(r.body) as { n: number }).n}`)
      .filter((n) => n !== '0'); // late answers to the probes above
    expect(got.sort()).toEqual(
      [
        ...Array.from({ length: 10 }, (_, i) => String(i + 1)),
        ...Array.from({ length: 10 }, (_, i) => String(101 + i)),
      ].sort(),
    );
    expect(new Set(rx.received.map((r) => r.headers['webhook-id'])).size).toBe(rx.received.length);

    // A change through B reaches A's catalog: the URL moves.
    await b
      .http()
      .patch(`${WEBHOOKS}/${hook.id}`)
      .set(auth())
      .send({ url: `${rx.url}/w2` })
      .expect(200);
    await until(
      'A sends to the URL set through B',
      async () => {
        await publish(onA, `devices/${d1.id}/ds/n`, '7');
        return values(rx, '/w2').some((v) => v.d === d1.id);
      },
      FOLLOW_TIMEOUT_MS,
    );
    // Deleted through B, replaced by another: once A fires the new one, it no longer fires the deleted one.
    await b.http().delete(`${WEBHOOKS}/${hook.id}`).set(auth()).expect(204);
    await b
      .http()
      .post(WEBHOOKS)
      .set(auth())
      .send({
        name: 'n2',
        trigger: 'PRODUCT_DATASTREAM_UPDATE',
        url: `${rx.url}/w3`,
        body: '{"d": "{device_id}", "n": {device_pinValue}}',
        dataTrigger: { templateId: 't1', dataStream: 'n' },
      })
      .expect(201);
    await until('A fires the webhook made on B', async () => {
      await publish(onA, `devices/${d1.id}/ds/n`, '9');
      return values(rx, '/w3').some((v) => v.d === d1.id);
    });
    const lastOld = Math.max(...rx.received.filter((r) => r.path === '/w2').map((r) => r.at));
    const firstNew = Math.min(...rx.received.filter((r) => r.path === '/w3').map((r) => r.at));
    expect(lastOld).toBeLessThanOrEqual(firstNew);
  });

  it('closes the sessions of a device deleted through the other instance', async () => {
    const d = (await b.http().post('/api/v1/organization/devices').set(auth()).send({ name: 'gone' }).expect(201))
      .body as Device;
    const client = await connectWhenKnown(a, d);
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    await b.http().delete(`/api/v1/organization/devices/${d.id}`).set(auth()).expect(204);
    await closed;
    await expect(connectMqtt(a, { clientId: `${d.id}-again`, username: d.id, password: d.token })).rejects.toThrow();
  });
});

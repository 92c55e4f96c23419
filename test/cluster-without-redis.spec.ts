import type { MqttClient } from 'mqtt';
import { clusterEnv, clusterSuite, connectDevice, type Instance, until } from './support/cluster.js';
import { auth } from './support/harness.js';
import { mongoTestUri } from './support/mongo.js';
import { describeWith } from './support/requirements.js';

/**
 * Two gateway processes on one MongoDB without REDIS_URL: each warns that it is not alone, and a REST
 * downlink through the instance that does not hold the device is refused (503 naming the cause) instead of
 * answering 200 for a message nobody gets; through the holding instance it is delivered.
 */
const uri = mongoTestUri('noredis');
const describeMongo = (name: string, fn: () => void) => describeWith(['mongo'], name, fn);

describeMongo('several instances on one database without REDIS_URL', () => {
  const suite = clusterSuite(uri!);
  let a: Instance;
  let b: Instance;
  let client: MqttClient;
  let device: { id: string; token: string };

  beforeAll(async () => {
    a = await suite.start('nr-a', clusterEnv(uri!));
    b = await suite.start('nr-b', clusterEnv(uri!));
    device = (await a.http().post('/api/v1/organization/devices').set(auth()).send({ name: 'held by a' }).expect(201))
      .body as { id: string; token: string };
    client = await connectDevice(a, device);
    await new Promise<void>((resolve, reject) =>
      client.subscribe(`devices/${device.id}/downlink/#`, { qos: 1 }, (err) => (err ? reject(err) : resolve())),
    );
  }, 90_000);
  afterAll(() => client?.end(true));

  it('warns on start that REDIS_URL is missing, naming the other instance', async () => {
    await until('b warns', () => /live gateway instances share this database \(others: nr-a\)/.test(b.stdout()));
    expect(b.stdout()).toMatch(/REDIS_URL[^"]*is not set/);
    // a learns of b at its next look
    await until('a warns', () => /others: nr-b/.test(a.stdout()));
  });

  it('refuses a downlink through an instance that does not hold the device, delivers it through the holder', async () => {
    const path = `/api/v1/organization/devices/${device.id}/downlink/cmd`;
    const refused = await b.http().post(path).set(auth()).send({ on: true });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'DeviceOnAnotherInstance' });
    expect(refused.body.error.message).toMatch(/connected to another gateway instance.*REDIS_URL/);

    const got = new Promise<string>((r) => client.once('message', (_t, p) => r(p.toString())));
    await a.http().post(path).set(auth()).send({ on: true }).expect(201);
    expect(JSON.parse(await got)).toEqual({ on: true });
  });
});

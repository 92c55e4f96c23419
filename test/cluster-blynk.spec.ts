import { jest } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { auth, endClient, subscribe } from './support/harness.js';
import { blynkClient, nextMessage } from './support/blynk.js';
import { clusterEnv, clusterSuite, type Instance, until } from './support/cluster.js';
import { mongoTestUri } from './support/mongo.js';
import { describeWith } from './support/requirements.js';

jest.setTimeout(120_000);

const uri = mongoTestUri('cluster_blynk');

/** Two gateway processes on one database and one redis-server: one Blynk session per token over both. */
describeWith(['mongo', 'redis'], 'cluster: a Blynk session across instances', () => {
  const cluster = clusterSuite(uri!);
  let a: Instance;
  let b: Instance;
  beforeAll(async () => {
    const redis = await cluster.redis();
    const env = clusterEnv(uri!, { REDIS_URL: redis.url });
    a = await cluster.start('a', env);
    b = await cluster.start('b', env);
  });

  it("a login with the token on B closes A's session; a REST command through A reaches the device on B", async () => {
    const d = (await a.http().post('/api/v1/organization/devices').set(auth()).send({ name: 'blynk' }).expect(201))
      .body as { id: string; token: string };
    const first = await blynkClient(a, d.token, { clientId: 'esp32-first' });
    const firstClosed = new Promise<void>((r) => first.once('close', () => r()));
    let second: MqttClient | null = null;
    await until('B knows the token', async () => {
      second = await blynkClient(b, d.token, { clientId: 'esp32-second' }).catch(() => null);
      return second !== null;
    });
    await firstClosed;
    expect(await subscribe(second!, 'downlink/#')).toBe(1);
    const power = nextMessage(second!, 'downlink/ds/Power');
    await a.http().post(`/api/v1/organization/devices/${d.id}/downlink/ds/Power`).set(auth()).send(['on']).expect(201);
    expect((await power).payload).toBe('on');
    expect(second!.connected).toBe(true);
    await endClient(second!);
  });
});

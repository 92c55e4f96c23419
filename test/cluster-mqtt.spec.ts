import { jest } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { auth, connectMqtt, endClient, publish, subscribe } from './support/harness.js';
import { clusterEnv, type Instance, startInstance, until } from './support/cluster.js';
import { ensureBuilt } from './support/gateway-process.js';
import { dropDatabase, mongoTestUri } from './support/mongo.js';
import { type RedisServer, startRedis } from './support/redis.js';

jest.setTimeout(120_000);

const uri = mongoTestUri('cluster_mqtt');
const suite = uri ? describe : describe.skip;

/** Two gateway processes on one database and one redis-server (REDIS_URL): MQTT messages cross instances. */
suite('cluster: MQTT across instances', () => {
  let redis: RedisServer | null;
  let a: Instance;
  let b: Instance;
  const clients: MqttClient[] = [];
  beforeAll(async () => {
    ensureBuilt();
    redis = await startRedis();
    if (!redis) throw new Error('redis-server is not installed (apt-get install -y redis-server; .ci/run does)');
    const env = clusterEnv(uri!, { REDIS_URL: redis.url });
    a = await startInstance('a', env);
    b = await startInstance('b', env);
  });
  afterAll(async () => {
    for (const c of clients) await endClient(c);
    await a?.kill();
    await b?.kill();
    await redis?.stop();
    if (uri) await dropDatabase(uri);
  });

  it('a REST downlink through A reaches the device on B, and its reply answers the waitForReply on A', async () => {
    const d = (await a.http().post('/api/v1/organization/devices').set(auth()).send({ name: 'far' }).expect(201))
      .body as { id: string; token: string };
    let device: MqttClient | null = null;
    await until('B knows the device', async () => {
      device = await connectMqtt(b, { clientId: `${d.id}-b`, username: d.id, password: d.token }).catch(() => null);
      return device !== null;
    });
    clients.push(device!);
    expect(await subscribe(device!, `devices/${d.id}/downlink/#`)).toBe(1);
    device!.on('message', (topic, payload) => {
      const { replyId, body } = JSON.parse(payload.toString()) as { replyId: string; body: { x: number } };
      void publish(device!, `devices/${d.id}/reply/${replyId}`, JSON.stringify({ body: { echoed: body.x, topic } }));
    });
    const res = await a
      .http()
      .post(`/api/v1/organization/devices/${d.id}/downlink/cmd/go?waitForReply=true`)
      .set(auth())
      .send({ x: 42 })
      .expect(201);
    expect(res.body.reply).toEqual({ body: { echoed: 42, topic: `devices/${d.id}/downlink/cmd/go` } });
  });
});

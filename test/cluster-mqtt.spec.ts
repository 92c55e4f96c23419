import { jest } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { ADMIN_TOKEN, auth, connectMqtt, endClient, publish, subscribe } from './support/harness.js';
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
  it('a service client on A sees its org’s devices publishing through B, and nothing of another org', async () => {
    const sub = (
      await b.http().post('/api/v1/organization/organizations').set(auth()).send({ name: 'other' }).expect(201)
    ).body as { id: number; adminToken: string };
    const make = async (query: string, name: string) =>
      (await b.http().post(`/api/v1/organization/devices${query}`).set(auth()).send({ name }).expect(201)).body as {
        id: string;
        token: string;
      };
    const mine = await make('', 'mine');
    const theirs = await make(`?orgId=${sub.id}`, 'theirs');
    const service = await connectMqtt(a, { clientId: 'svc-a', username: 'token', password: ADMIN_TOKEN });
    const otherService = await connectMqtt(a, { clientId: 'svc-other', username: 'token', password: sub.adminToken });
    clients.push(service, otherService);
    const seen: string[] = [];
    const otherSeen: string[] = [];
    service.on('message', (topic) => seen.push(topic));
    otherService.on('message', (topic) => otherSeen.push(topic));
    expect(await subscribe(service, 'devices/#')).toBe(1);
    expect(await subscribe(otherService, 'devices/#')).toBe(1);
    const publisher = async (d: { id: string; token: string }) => {
      let c: MqttClient | null = null;
      await until('B knows the device', async () => {
        c = await connectMqtt(b, { clientId: `${d.id}-pub`, username: d.id, password: d.token }).catch(() => null);
        return c !== null;
      });
      clients.push(c!);
      return c!;
    };
    const [pm, pt] = [await publisher(mine), await publisher(theirs)];
    // A knows both devices (its registry follows the database) before it forwards them.
    await until('A sees both devices', async () => {
      const r = await a.http().get(`/api/v1/organization/devices/${theirs.id}`).set(auth(sub.adminToken));
      return r.status === 200;
    });
    for (let i = 0; i < 5; i++) {
      await publish(pt, `devices/${theirs.id}/ds/t`, String(i));
      await publish(pm, `devices/${mine.id}/ds/t`, String(i));
    }
    await until('both services got their org’s five', () => seen.length >= 5 && otherSeen.length >= 5);
    // The last of each device went out after every message of the other one: nothing more is on its way.
    await publish(pt, `devices/${theirs.id}/ds/t`, 'end');
    await publish(pm, `devices/${mine.id}/ds/t`, 'end');
    await until('both ends arrived', () => seen.length >= 6 && otherSeen.length >= 6);
    expect(new Set(seen)).toEqual(new Set([`devices/${mine.id}/ds/t`]));
    expect(new Set(otherSeen)).toEqual(new Set([`devices/${theirs.id}/ds/t`]));
    expect([seen.length, otherSeen.length]).toEqual([6, 6]);
  });

  it('counts the inbound webhook call budget over both instances together', async () => {
    const w = (
      await a.http().post('/api/v1/organization/inbound-webhooks').set(auth()).send({ name: 'budget' }).expect(201)
    ).body as { token: string };
    const statuses: number[] = [];
    const messages = new Set<string>();
    // 150 calls, alternately through A and B, well inside one 10 s window.
    for (let i = 0; i < 150; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, k) => ((i + k) % 2 === 0 ? a : b).http().post(`/webhooks/${w.token}`).send({})),
      );
      for (const r of batch) {
        statuses.push(r.status);
        if (r.status === 429) messages.add((r.body as { error: { message: string } }).error.message);
      }
    }
    const count = (s: number) => statuses.filter((x) => x === s).length;
    expect({ ok: count(200), throttled: count(429) }).toEqual({ ok: 100, throttled: 50 });
    expect([...messages].every((m) => /^more than 100 calls in 10 s; retry after \d+ s$/.test(m))).toBe(true);
  });
});

import { jest } from '@jest/globals';
import { Redis } from 'ioredis';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { ADMIN_TOKEN, auth, connectMqtt, endClient, publish, subscribe } from './support/harness.js';
import { clusterEnv, type Instance, startInstance, until } from './support/cluster.js';
import { ensureBuilt } from './support/gateway-process.js';
import { dropDatabase, mongoTestUri } from './support/mongo.js';
import { type RedisServer, startRedis } from './support/redis.js';
import { describeWith } from './support/requirements.js';

jest.setTimeout(120_000);

const uri = mongoTestUri('cluster_mqtt');
const suite = (name: string, fn: () => void) => describeWith(['mongo', 'redis'], name, fn);

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
  /** A client whose CONNACK's session-present flag is kept, with messages recorded from the start. */
  const sessionClient = (on: Instance, opts: IClientOptions) =>
    new Promise<{ client: MqttClient; sessionPresent: boolean; got: string[] }>((resolve, reject) => {
      const got: string[] = [];
      const client = mqtt.connect(`mqtt://127.0.0.1:${on.mqttPort}`, { reconnectPeriod: 0, ...opts });
      client.on('message', (topic, payload) => got.push(`${topic} ${payload.toString()}`));
      client.once('error', reject);
      client.once('connect', (connack) => {
        clients.push(client);
        resolve({ client, sessionPresent: connack.sessionPresent, got });
      });
    });
  const device = async (on: Instance, id: string) =>
    (await on.http().post('/api/v1/organization/devices').set(auth()).send({ id, name: id }).expect(201)).body as {
      id: string;
      token: string;
    };

  it('a retained message published through A is sent to a subscriber on B, not to another org', async () => {
    const sub = (
      await a.http().post('/api/v1/organization/organizations').set(auth()).send({ name: 'retained' }).expect(201)
    ).body as { id: number; adminToken: string };
    const d = await device(a, 'ret-dev');
    const pub = await sessionClient(a, { clientId: 'ret-pub', username: d.id, password: d.token });
    await new Promise<void>((r, j) =>
      pub.client.publish(`devices/${d.id}/ds/level`, '7', { qos: 1, retain: true }, (e) => (e ? j(e) : r())),
    );
    const svc = await sessionClient(b, { clientId: 'ret-svc', username: 'token', password: ADMIN_TOKEN });
    // B knows the device once its registry follows the database; the forward ACL needs it.
    await until('B sends the retained message', async () => {
      await new Promise((r) => svc.client.unsubscribe(`devices/${d.id}/ds/#`, r));
      expect(await subscribe(svc.client, `devices/${d.id}/ds/#`)).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
      return svc.got.includes(`devices/${d.id}/ds/level 7`);
    });
    // Another org's service on B: its own org's retained message arrives, org 1's never does (one stream).
    const theirs = (
      await b
        .http()
        .post(`/api/v1/organization/devices?orgId=${sub.id}`)
        .set(auth())
        .send({ id: 'ret-theirs', name: 'theirs' })
        .expect(201)
    ).body as { id: string; token: string };
    const tp = await sessionClient(b, { clientId: 'ret-tp', username: theirs.id, password: theirs.token });
    await new Promise<void>((r, j) =>
      tp.client.publish(`devices/${theirs.id}/ds/level`, '9', { qos: 1, retain: true }, (e) => (e ? j(e) : r())),
    );
    const other = await sessionClient(b, { clientId: 'ret-other', username: 'token', password: sub.adminToken });
    expect(await subscribe(other.client, 'devices/+/ds/level')).toBe(1);
    await until('the other org gets its own retained message', () => other.got.length > 0);
    expect(other.got).toEqual([`devices/${theirs.id}/ds/level 9`]);
  });

  it('a persistent session left on A is resumed on B with the message queued meanwhile; a delete forgets it', async () => {
    const d = await device(a, 'sess-dev');
    const opts = { clientId: 'sess-1', clean: false, username: d.id, password: d.token };
    const first = await sessionClient(a, opts);
    expect(first.sessionPresent).toBe(false);
    expect(await subscribe(first.client, `devices/${d.id}/downlink/#`)).toBe(1);
    await endClient(first.client);
    await until(
      'B knows the device',
      async () => (await b.http().get(`/api/v1/organization/devices/${d.id}`).set(auth())).status === 200,
    );
    await b
      .http()
      .post(`/api/v1/organization/devices/${d.id}/downlink/cmd/wake`)
      .set(auth())
      .send({ n: 1 })
      .expect(201);
    const resumed = await sessionClient(b, opts);
    expect(resumed.sessionPresent).toBe(true);
    await until('the queued downlink arrives on B', () => resumed.got.length > 0);
    expect(resumed.got[0]).toMatch(new RegExp(`^devices/${d.id}/downlink/cmd/wake `));
    await endClient(resumed.client);

    // A session only B ever saw, and a retained message, then the device deleted through A: recreated under
    // the same id (new token) it starts with nothing, on A too; its retained messages are gone.
    const only = { ...opts, clientId: 'sess-2' };
    const onB = await sessionClient(b, only);
    expect(await subscribe(onB.client, `devices/${d.id}/downlink/#`)).toBe(1);
    await new Promise<void>((r, j) =>
      onB.client.publish(`devices/${d.id}/ds/x`, '1', { qos: 1, retain: true }, (e) => (e ? j(e) : r())),
    );
    await endClient(onB.client);
    await a.http().delete(`/api/v1/organization/devices/${d.id}`).set(auth()).expect(204);
    const again = await device(a, 'sess-dev');
    const back = await sessionClient(a, { ...only, password: again.token });
    expect(back.sessionPresent).toBe(false);
    const store = new Redis(redis!.url);
    try {
      const retained = await store.hkeys('retained');
      expect(retained.filter((t) => t.startsWith(`devices/${d.id}/`))).toEqual([]);
    } finally {
      store.disconnect();
    }
  });
});

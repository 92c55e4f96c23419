import { jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { createRequire } from 'node:module';
import type { MqttClient } from 'mqtt';
import { ADMIN_TOKEN, auth, connectMqtt, subscribe } from './support/harness.js';
import { clusterEnv, clusterSuite, type Instance, until } from './support/cluster.js';
import { mongoTestUri } from './support/mongo.js';
import { describeWith } from './support/requirements.js';

jest.setTimeout(180_000);

// aedes-persistence-redis stores each will msgpack-encoded (its own dependency, read through its require).
const msgpack = createRequire(import.meta.url)('msgpack-lite') as { encode(value: unknown): Buffer };

const API = '/api/v1/organization';
/** Aedes' heartbeat in this suite: a silent instance's wills are swept 3 heartbeats later, looked for every 4. */
const HEARTBEAT_MS = '250';

const uri = mongoTestUri('cluster_wills');
const suite = (name: string, fn: () => void) => describeWith(['mongo', 'redis'], name, fn);

/**
 * Two gateway processes sharing one Redis (REDIS_URL): the wills of an instance that died with its connections
 * open are published by the other one with no client (Aedes' will sweep). Each is checked against the
 * publish ACL of the identity that set it, as that identity is now: a will outside what it may publish, or of
 * an identity deleted since, is dropped; the others are delivered and ingested.
 */
suite('cluster: wills of a dead instance go through the publish ACL', () => {
  let a: Instance;
  let b: Instance;
  let redis: Redis;
  const clients: MqttClient[] = [];
  // Declared before clusterSuite's own: runs first, while redis-server still answers.
  afterAll(async () => {
    clients.forEach((c) => c.end(true));
    await redis?.quit();
  });
  const cluster = clusterSuite(uri!);
  const device = async (on: Instance, name: string) =>
    (await on.http().post(`${API}/devices`).set(auth()).send({ name }).expect(201)).body as {
      id: string;
      token: string;
    };
  const value = async (on: Instance, id: string, key: string) =>
    ((await on.http().get(`${API}/devices/${id}`).set(auth())).body as { values: Record<string, { value: unknown }> })
      .values[key]?.value;

  beforeAll(async () => {
    const server = await cluster.redis();
    redis = new Redis(server.url);
    const env = clusterEnv(uri!, { REDIS_URL: server.url, MQTT_HEARTBEAT_MS: HEARTBEAT_MS });
    a = await cluster.start('a', env);
    b = await cluster.start('b', env);
  });

  /** A service client of the default org on B, reading every device topic. */
  async function watcher(): Promise<{ spy: MqttClient; got: { topic: string; payload: string }[] }> {
    const spy = await connectMqtt(b, { clientId: `spy-${Math.random()}`, username: 'token', password: ADMIN_TOKEN });
    clients.push(spy);
    expect(await subscribe(spy, 'devices/#')).toBe(1);
    const got: { topic: string; payload: string }[] = [];
    spy.on('message', (topic, payload) => got.push({ topic, payload: payload.toString() }));
    return { spy, got };
  }

  /** Every will of the shared store was swept (published or dropped) and deleted. */
  const sweptAll = async () => (await redis.llen('will')) === 0;

  it('publishes and ingests the will of a device whose instance was killed (-9) while it was connected', async () => {
    const d = await device(a, 'killed-with');
    const { got } = await watcher();
    await until('A knows the device', async () => (await a.http().get(`${API}/devices/${d.id}`).set(auth())).ok);
    const topic = `devices/${d.id}/ds/lastWill`;
    const c = await connectMqtt(a, {
      clientId: `${d.id}-w`,
      username: d.id,
      password: d.token,
      will: { topic, payload: Buffer.from('3'), qos: 1, retain: false },
    });
    clients.push(c);
    expect(await redis.llen('will')).toBe(1);
    await a.kill();
    await until('B published the will', () => got.length > 0);
    await until('the will left the store', sweptAll);
    expect(got).toEqual([{ topic, payload: '3' }]);
    await until('B ingested it', async () => (await value(b, d.id, 'lastWill')) === 3);
  });

  it('drops stored wills that their identity may not publish (now), and delivers the others', async () => {
    const { spy, got } = await watcher();
    const owner = await device(b, 'owner');
    const victim = await device(b, 'victim');
    const deleted = await device(b, 'deleted');
    await b.http().delete(`${API}/devices/${deleted.id}`).set(auth()).expect(204);
    const revoked = (
      await b
        .http()
        .post(`${API}/tokens`)
        .set(auth())
        .send({ name: 'gone', scopes: ['mqtt.*'] })
    ).body as { id: number };
    await b.http().delete(`${API}/tokens/${revoked.id}`).set(auth()).expect(204);
    const live = (
      await b
        .http()
        .post(`${API}/tokens`)
        .set(auth())
        .send({ name: 'live', scopes: ['mqtt.*'] })
    ).body as { id: number };
    // Wills as an instance that died leaves them in the shared store (aedes-persistence-redis putWill), with
    // the session ids the gateway gives its clients (kind/identity/client id) and the org stamped at CONNECT.
    const store = async (sessionId: string, topic: string, orgId?: number) => {
      const key = `will:dead-instance:${encodeURIComponent(sessionId)}`;
      const will = { topic, payload: Buffer.from('1'), qos: 0, retain: false, clientId: sessionId, orgId };
      await redis.set(key, msgpack.encode({ ...will, brokerId: 'dead-instance' }));
      await redis.rpush('will', key);
    };
    const denied = [
      [`device/${owner.id}/w1`, `devices/${victim.id}/ds/forged`], // another device's topic
      [`device/${owner.id}/w2`, `devices/${owner.id}/downlink/x`], // a downlink, written by the gateway only
      [`device/${deleted.id}/w3`, `devices/${deleted.id}/ds/x`], // a device deleted since
      [`service/token%3A${revoked.id}/w4`, `devices/${owner.id}/ds/revoked`, 1], // an API token revoked since
      [`service/token%3A${live.id}/w5`, `devices/${owner.id}/ds/otherOrg`, 999], // stamped with another org
      [`nobody/x/w6`, `devices/${owner.id}/ds/nobody`], // no identity the gateway gives
      [`w7`, `devices/${owner.id}/ds/bare`], // no session id at all
    ] as const;
    for (const [sid, topic, org] of denied) await store(sid, topic, org);
    const allowed = [
      [`device/${owner.id}/w8`, `devices/${owner.id}/ds/own`],
      [`service/token%3A${live.id}/w9`, `devices/${owner.id}/ds/service`, 1],
    ] as const;
    for (const [sid, topic, org] of allowed) await store(sid, topic, org);
    await until('every stored will was swept', sweptAll);
    // Every will was published (or dropped) before it left the store; a marker published after that reaches
    // the watcher after anything the sweep sent it.
    const marker = `devices/${owner.id}/ds/marker`;
    await new Promise((r) => spy.publish(marker, '0', { qos: 1 }, r));
    await until('the marker arrived', () => got.some((m) => m.topic === marker));
    got.splice(
      got.findIndex((m) => m.topic === marker),
      1,
    );
    expect(got.map((m) => m.topic).sort()).toEqual(allowed.map(([, topic]) => topic).sort());
    expect(await value(b, victim.id, 'forged')).toBeUndefined();
    expect(await value(b, owner.id, 'own')).toBe(1);
  });
});

import { jest } from '@jest/globals';
import { Redis } from 'ioredis';
import type { IClientOptions, MqttClient } from 'mqtt';
import { ADMIN_TOKEN, auth, connectMqtt, subscribe } from './support/harness.js';
import { clusterEnv, clusterSuite, type Instance, until } from './support/cluster.js';
import { openEventStream } from './support/event-stream-client.js';
import { mongoTestUri } from './support/mongo.js';
import { describeWith } from './support/requirements.js';

jest.setTimeout(180_000);

const API = '/api/v1/organization';
type Credential = { id: string; token: string };

/** A client whose closing is recorded from the start (the fact the tests wait on). */
type Watched = MqttClient & { ended: boolean };
const clients: MqttClient[] = [];
afterAll(() => clients.forEach((c) => c.end(true)));

async function watched(on: Instance, opts: IClientOptions): Promise<Watched> {
  const c = Object.assign(await connectMqtt(on, opts), { ended: false });
  clients.push(c);
  c.on('close', () => (c.ended = true));
  return c;
}

/** Connecting is refused, with the CONNACK code the broker answered. */
async function refusal(on: Instance, opts: IClientOptions): Promise<number | undefined> {
  const c = await connectMqtt(on, opts).catch((e: { code?: number }) => e);
  if (!('code' in c)) {
    (c as MqttClient).end(true);
    return undefined;
  }
  return c.code;
}

/**
 * `on`'s registry knows the device or agent (it followed the database). Asked through REST, not by MQTT
 * attempts: a refused CONNECT counts towards the per-address brute-force throttle (10 a minute).
 */
async function known(on: Instance, what: 'devices' | 'agents', id: string): Promise<void> {
  await until(
    `${on.id} knows ${id}`,
    async () => (await on.http().get(`${API}/${what}/${id}`).set(auth())).status === 200,
  );
}

const uri = mongoTestUri('cluster_revocation');
const suite = (name: string, fn: () => void) => describeWith(['mongo', 'redis'], name, fn);

/**
 * Two gateway processes on one database and one Redis: a credential revoked through A ends the live MQTT
 * connections that B holds of it (the security rule "revoking or deleting ends live access at once" holds for
 * the whole cluster, not the instance the REST call reached), and B refuses it from then on.
 */
suite('cluster: revoking through one instance ends live access on the others', () => {
  const cluster = clusterSuite(uri!);
  let a: Instance;
  let b: Instance;
  let redisUrl: string;
  /** A device as stored in the database (the `devices` collection keeps it under `doc`). */
  beforeAll(async () => {
    redisUrl = (await cluster.redis()).url;
    const env = clusterEnv(uri!, { REDIS_URL: redisUrl });
    a = await cluster.start('ra', env);
    b = await cluster.start('rb', env);
  });
  const create = async (what: 'devices' | 'agents', name: string) =>
    (await a.http().post(`${API}/${what}`).set(auth()).send({ name }).expect(201)).body as Credential;

  it('a device deleted through A: B closes its connection, refuses its token, and its retained messages are gone', async () => {
    const d = await create('devices', 'gone');
    await known(b, 'devices', d.id);
    const live = await watched(b, { clientId: 'gone-1', clean: false, username: d.id, password: d.token });
    expect(await subscribe(live, `devices/${d.id}/downlink/#`)).toBe(1);
    await new Promise<void>((r, j) =>
      live.publish(`devices/${d.id}/ds/level`, '3', { qos: 1, retain: true }, (e) => (e ? j(e) : r())),
    );
    const store = new Redis(redisUrl);
    try {
      const retainedOfDevice = async () =>
        (await store.hkeys('retained')).filter((t) => t.startsWith(`devices/${d.id}/`));
      expect(await retainedOfDevice()).toEqual([`devices/${d.id}/ds/level`]);

      await a.http().delete(`${API}/devices/${d.id}`).set(auth()).expect(204);
      await until('B closes the deleted device', () => live.ended);
      expect(await refusal(b, { clientId: 'gone-2', username: d.id, password: d.token })).toBe(4);
      expect(await retainedOfDevice()).toEqual([]);
    } finally {
      store.disconnect();
    }
  });

  it('a device token rotated through A: B closes the connection made with the old token; the new one works on B', async () => {
    const d = await create('devices', 'rekeyed');
    await known(b, 'devices', d.id);
    const live = await watched(b, { username: d.id, password: d.token });
    // At once, while B writes the connection's runtime state behind: on FerretDB (read-modify-write per
    // document) the rotation was lost this way until the two live in documents of their own (device_runtime).
    const { token } = (await a.http().post(`${API}/devices/${d.id}/token`).set(auth()).expect(201)).body as Credential;
    await until('B closes the old token’s connection', () => live.ended);
    expect(await refusal(b, { username: d.id, password: d.token })).toBe(4);
    const fresh = await watched(b, { username: d.id, password: token });
    expect(fresh.ended).toBe(false);
  });

  it('an agent deleted through A: B closes its connection and refuses its token', async () => {
    const agent = await create('agents', 'rig');
    await known(b, 'agents', agent.id);
    const live = await watched(b, { username: agent.id, password: agent.token });
    await a.http().delete(`${API}/agents/${agent.id}`).set(auth()).expect(204);
    await until('B closes the deleted agent', () => live.ended);
    expect(await refusal(b, { username: agent.id, password: agent.token })).toBe(4);
  });

  it('an agent token rotated through A: B closes the connection made with the old token; the new one works on B', async () => {
    const agent = await create('agents', 'rig-rekeyed');
    await known(b, 'agents', agent.id);
    const live = await watched(b, { username: agent.id, password: agent.token });
    const { token } = (await a.http().post(`${API}/agents/${agent.id}/token`).set(auth()).expect(201))
      .body as Credential;
    await until('B closes the old token’s connection', () => live.ended);
    expect(await refusal(b, { username: agent.id, password: agent.token })).toBe(4);
    await watched(b, { username: agent.id, password: token });
  });

  it('an API token revoked through A: B’s REST answers 401 at once; B closes its service client and event stream', async () => {
    const created = (
      await a
        .http()
        .post(`${API}/tokens`)
        .set(auth())
        .send({ name: 'svc', scopes: ['all.Organization'] })
        .expect(201)
    ).body as { id: number; token: string };
    await b.http().get(`${API}/devices`).set(auth(created.token)).expect(200);
    const svc = await watched(b, { clientId: 'svc-b', username: 'token', password: created.token });
    expect(await subscribe(svc, 'devices/#')).toBe(1);
    const stream = await openEventStream(`http://127.0.0.1:${b.httpPort}`, created.token);
    expect(stream.status).toBe(200);

    await a.http().delete(`${API}/tokens/${created.id}`).set(auth()).expect(204);
    // B reads tokens from the database on every request: the first request after the revocation is refused.
    await b.http().get(`${API}/devices`).set(auth(created.token)).expect(401);
    await until('B closes the revoked token’s service client', () => svc.ended);
    // Its live event stream on B ends too (the condition never holds: only the stream's end settles it).
    expect(await stream.until(() => false, 20_000).catch((e: Error) => e.message)).toBe(
      'stream ended before the condition was met',
    );
    expect(await refusal(b, { clientId: 'svc-b', username: 'token', password: created.token })).toBe(4);
    // The admin token is untouched.
    await b.http().get(`${API}/devices`).set(auth(ADMIN_TOKEN)).expect(200);
  });
});

/** Blynk's API rate (API_RATE_LIMIT_PER_MINUTE) with REDIS_URL: one budget per organization for all instances. */
const rateUri = mongoTestUri('cluster_api_rate');
type Answer = { on: string; status: number; retryAfter: number; code?: string };
const get = async (on: Instance): Promise<Answer> => {
  const r = await on.http().get(`${API}/devices`).set(auth());
  const code = (r.body as { error?: { code: string } }).error?.code;
  return { on: on.id, status: r.status, retryAfter: Number(r.headers['retry-after'] ?? 0), code };
};
const statuses = (answers: Answer[]) => ({
  ok: answers.filter((x) => x.status === 200).length,
  throttled: answers.filter((x) => x.status === 429).length,
});

/** Blynk's API rate (API_RATE_LIMIT_PER_MINUTE) with REDIS_URL: one budget per organization for all instances. */
describeWith(['mongo', 'redis'], 'cluster: the organization API rate is counted over all instances', () => {
  const cluster = clusterSuite(rateUri!);
  let redis: Awaited<ReturnType<typeof cluster.redis>>;
  let a: Instance;
  let b: Instance;
  beforeAll(async () => {
    redis = await cluster.redis();
    const env = clusterEnv(rateUri!, { REDIS_URL: redis.url, API_RATE_LIMIT_PER_MINUTE: '10' });
    a = await cluster.start('qa', env);
    b = await cluster.start('qb', env);
  });

  it('calls alternating over A and B share one budget; past it both answer 429 with Retry-After', async () => {
    const answers: Answer[] = [];
    // 20 calls, alternately through A and B, in concurrent batches, well inside one minute.
    for (let i = 0; i < 20; i += 5)
      answers.push(...(await Promise.all(Array.from({ length: 5 }, (_, k) => get((i + k) % 2 === 0 ? a : b)))));
    expect(statuses(answers)).toEqual({ ok: 10, throttled: 10 });
    const over = answers.filter((x) => x.status === 429);
    expect(new Set(over.map((x) => x.on))).toEqual(new Set(['qa', 'qb']));
    expect(over.every((x) => x.code === 'TooManyRequests' && x.retryAfter >= 1 && x.retryAfter <= 60)).toBe(true);
  });

  it('while Redis is away, each instance counts in its own memory instead of refusing every call', async () => {
    await redis.stop();
    const answers: Answer[] = [];
    for (let i = 0; i < 11; i++) answers.push(await get(a));
    expect(statuses(answers)).toEqual({ ok: 10, throttled: 1 });
  });
});

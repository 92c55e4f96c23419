import mqtt, { type MqttClient } from 'mqtt';
import request from 'supertest';
import { ADMIN_TOKEN, auth } from './harness.js';
import { ensureBuilt, type GatewayProcess, startGatewayProcess } from './gateway-process.js';
import { dropDatabase } from './mongo.js';
import { DELIVERY_ENV, type Handler, type Receiver, startReceiver, WEBHOOKS } from './receiver.js';
import { type RedisServer, startRedis } from './redis.js';

/** Settings of every instance of a test cluster: one database, short leases so takeovers happen in seconds. */
export const clusterEnv = (mongoUri: string, extra: Record<string, string> = {}): Record<string, string> => ({
  ...DELIVERY_ENV,
  MONGODB_URI: mongoUri,
  GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
  DELIVERY_CLAIM_LEASE_MS: '1500',
  CLUSTER_POLL_MS: '100',
  WRITE_BEHIND_FLUSH_MS: '50',
  ...extra,
});

export interface Instance extends GatewayProcess {
  id: string;
  http(): ReturnType<typeof request>;
  kill(): Promise<void>;
}

/** One gateway child process of the cluster, named `id`. */
export async function startInstance(id: string, env: Record<string, string>): Promise<Instance> {
  const p = await startGatewayProcess({ ...env, GATEWAY_INSTANCE_ID: id });
  return Object.assign(p, {
    id,
    http: () => request(`http://127.0.0.1:${p.httpPort}`),
    async kill() {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    },
  });
}

/** Polls `check` until it returns true (each poll yields to the event loop), or fails after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export type ClusterDevice = { id: string; token: string };

/**
 * A device made through `i`, with a webhook that posts each value of its datastream `n` as `{"n": value}` to
 * `url` (the load the cluster tests count).
 */
export async function counterDevice(i: Instance, name: string, url: string): Promise<ClusterDevice> {
  const device = (await i.http().post('/api/v1/organization/devices').set(auth()).send({ name }).expect(201))
    .body as ClusterDevice;
  await i
    .http()
    .post(WEBHOOKS)
    .set(auth())
    .send({
      name,
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      url,
      body: '{"n": {device_pinValue}}',
      dataTrigger: { deviceId: device.id, dataStream: 'n' },
    })
    .expect(201);
  return device;
}

/** A real MQTT client of `device` connected to gateway process `i` (no reconnects: a kill stays a kill). */
export async function connectDevice(i: { mqttPort: number }, device: ClusterDevice): Promise<MqttClient> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${i.mqttPort}`, {
    username: device.id,
    password: device.token,
    reconnectPeriod: 0,
  });
  client.on('error', () => {});
  await new Promise((r) => client.once('connect', r));
  return client;
}

/**
 * What a cluster suite starts, stopped after it (call inside its describe): the gateway is built first; every
 * instance started through `start` is killed, the receiver closed and the database `uri` dropped.
 */
export function clusterSuite(uri: string) {
  const instances: Instance[] = [];
  let rx: Receiver | null = null;
  let redisServer: RedisServer | null = null;
  beforeAll(() => ensureBuilt());
  afterAll(async () => {
    for (const i of instances) await i.kill();
    await rx?.close();
    await redisServer?.stop();
    await dropDatabase(uri);
  });
  return {
    async start(id: string, env: Record<string, string>): Promise<Instance> {
      const i = await startInstance(id, env);
      instances.push(i);
      return i;
    },
    async receiver(handler?: Handler): Promise<Receiver> {
      rx = await startReceiver(handler);
      return rx;
    },
    /** A redis-server of the suite's own (REDIS_URL of its instances), stopped after the instances. */
    async redis(): Promise<RedisServer> {
      redisServer = await startRedis();
      if (!redisServer)
        throw new Error('redis-server is not installed (apt-get install -y redis-server; .ci/run does)');
      return redisServer;
    },
  };
}

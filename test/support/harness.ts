import 'reflect-metadata';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { type Gateway, startGateway } from '../../src/gateway.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestGateway extends Gateway {
  dataDir: string;
  http(): ReturnType<typeof request>;
  stop(): Promise<void>;
}

/** A real gateway on random ports with a fresh SQLite file in a temp folder. */
export async function startTestGateway(env: Record<string, string> = {}, dataDir?: string): Promise<TestGateway> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'gw-test-'));
  const gw = await startGateway(
    {
      HTTP_PORT: '0',
      MQTT_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      MQTT_HOST: '127.0.0.1',
      DATA_DIR: dir,
      GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'silent',
      WRITE_BEHIND_FLUSH_MS: '20',
      ...env,
    },
    false,
  );
  return Object.assign(gw, {
    dataDir: dir,
    http: () => request(`http://127.0.0.1:${gw.httpPort}`),
    async stop() {
      await gw.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  });
}

export const auth = (token = ADMIN_TOKEN) => ({ Authorization: `Bearer ${token}` });

export async function createDevice(
  gw: TestGateway,
  body: Record<string, unknown> = {},
  token = ADMIN_TOKEN,
): Promise<{ id: string; token: string }> {
  const res = await gw
    .http()
    .post('/api/v1/organization/devices')
    .set(auth(token))
    .send({ name: 'test device', ...body });
  if (res.status !== 201) throw new Error(`create device: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; token: string };
}

export async function getDevice(gw: TestGateway, id: string, token = ADMIN_TOKEN): Promise<Record<string, any>> {
  const res = await gw.http().get(`/api/v1/organization/devices/${id}`).set(auth(token));
  return res.body as Record<string, any>;
}

/** Connects a real mqtt.js client; resolves once CONNACK accepted, rejects with the refusal otherwise. */
export function connectMqtt(gw: Pick<Gateway, 'mqttPort'>, opts: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${gw.mqttPort}`, {
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...opts,
    });
    const refused = (err: Error) => {
      client.end(true);
      reject(err);
    };
    client.once('error', refused);
    client.once('connect', () => {
      // From here on, errors (such as a refused SUBSCRIBE) are reported to the caller, not by closing.
      client.off('error', refused);
      client.on('error', () => {});
      resolve(client);
    });
  });
}

export const deviceClient = (gw: Gateway, d: { id: string; token: string }, extra: IClientOptions = {}) =>
  connectMqtt(gw, {
    clientId: `${d.id}-${Math.random().toString(36).slice(2, 8)}`,
    username: d.id,
    password: d.token,
    ...extra,
  });

export function publish(client: MqttClient, topic: string, payload: string | Buffer, qos: 0 | 1 = 1): Promise<void> {
  return new Promise((resolve, reject) =>
    client.publish(topic, payload, { qos }, (err) => (err ? reject(err) : resolve())),
  );
}

/** SUBACK granted codes: 128 means refused. */
export function subscribe(client: MqttClient, filter: string): Promise<number> {
  return new Promise((resolve, reject) =>
    client.subscribe(filter, { qos: 1 }, (err, granted) => {
      // mqtt.js reports a refused subscription as an error carrying the SUBACK packet.
      const code = (err as { packet?: { granted?: number[] } } | null)?.packet?.granted?.[0];
      if (typeof code === 'number') resolve(code);
      else if (err) reject(err);
      else resolve(granted?.[0]?.qos ?? -1);
    }),
  );
}

export const endClient = (client: MqttClient) => new Promise<void>((r) => client.end(false, {}, () => r()));

/** Open MQTT connections as the gateway counts them (/health): it sees a close once this number drops. */
export async function mqttConnections(gw: TestGateway): Promise<number> {
  return ((await gw.http().get('/health')).body as { mqtt: { connections: number } }).mqtt.connections;
}

export async function waitFor<T>(probe: () => Promise<T> | T, accept: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 25));
  } while (Date.now() < until);
  throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
}

// Raw MQTT 3.1.1 packets, for inputs mqtt.js refuses to send.
const str = (s: Buffer | string) => {
  const b = Buffer.from(s);
  const l = Buffer.alloc(2);
  l.writeUInt16BE(b.length);
  return Buffer.concat([l, b]);
};
function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 128;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}
const packet = (header: number, body: Buffer) => Buffer.concat([Buffer.from([header]), varint(body.length), body]);

export const raw = {
  connect(
    clientId: string,
    opts: { username?: string; password?: string; clean?: boolean; keepalive?: number } = {},
  ): Buffer {
    const flags = (opts.username ? 0x80 : 0) | (opts.password ? 0x40 : 0) | (opts.clean === false ? 0 : 0x02);
    const ka = Buffer.alloc(2);
    ka.writeUInt16BE(opts.keepalive ?? 60);
    const parts = [str('MQTT'), Buffer.from([4, flags]), ka, str(clientId)];
    if (opts.username) parts.push(str(opts.username));
    if (opts.password) parts.push(str(opts.password));
    return packet(0x10, Buffer.concat(parts));
  },
  publish(topic: Buffer | string, payload: Buffer | string): Buffer {
    return packet(0x30, Buffer.concat([str(topic), Buffer.from(payload)]));
  },
  subscribe(filter: Buffer | string, id = 1): Buffer {
    const mid = Buffer.alloc(2);
    mid.writeUInt16BE(id);
    return packet(0x82, Buffer.concat([mid, str(filter), Buffer.from([1])]));
  },
};

/** A raw TCP connection to the broker that records what it receives and when it is closed. */
export async function rawSocket(gw: Gateway): Promise<{ socket: Socket; received: Buffer[]; closed: Promise<void> }> {
  const socket = netConnect(gw.mqttPort, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const received: Buffer[] = [];
  socket.on('data', (d) => received.push(d));
  socket.on('error', () => {});
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  return { socket, received, closed };
}

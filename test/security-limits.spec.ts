import type { MqttClient } from 'mqtt';
import { request as httpRequest } from 'node:http';
import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  subscribe,
  type TestGateway,
} from './support/harness.js';

const API = '/api/v1/organization';
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

/** A raw POST (supertest would re-serialize); resolves with status and parsed body. */
function post(gw: TestGateway, path: string, body: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: gw.httpPort,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('security: hostile input gets a 4xx, never a 500', () => {
  let gw: TestGateway;
  let device: { id: string; token: string };
  let client: MqttClient;
  beforeAll(async () => {
    gw = await startTestGateway({ INBOUND_REPLY_TIMEOUT_MS: '2000' });
    device = await createDevice(gw);
    client = await deviceClient(gw, device);
    await subscribe(client, `devices/${device.id}/downlink/#`);
  });
  afterAll(async () => {
    await endClient(client);
    await gw.stop();
  });

  it('REST JSON nested 3,000 deep is a 400 naming the depth limit', async () => {
    const body = `{"name":"deep","metadata":{"a":${deep(3000)}}}`;
    const res = await post(gw, `${API}/devices`, body, auth());
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('nested deeper than');
    await gw.http().get('/health').expect(200);
  });

  it('REST invalid JSON is a 400 in the API error shape', async () => {
    const res = await post(gw, `${API}/devices`, '{"name":', auth());
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.stringContaining('body') });
  });

  it.each([
    `${API}/devices?page=1e20`,
    `${API}/devices?page=100000000`,
    `${API}/inbound-webhooks?page=1e20`,
    `${API}/webhooks/1/deliveries?page=1e20`,
  ])('%s is a 400 naming page', async (path) => {
    const res = await gw.http().get(path).set(auth());
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('page');
  });

  const inbound = async (waitForReply: boolean) =>
    (
      await gw
        .http()
        .post(`${API}/inbound-webhooks`)
        .set(auth())
        .send({ name: `in${Math.random()}`, waitForReply, target: { deviceId: device.id } })
        .expect(201)
    ).body as { token: string };

  it('inbound JSON nested 100,000 deep is a 400', async () => {
    const w = await inbound(false);
    const res = await post(gw, `/webhooks/${w.token}`, deep(100_000));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('nested deeper than');
  });

  /** One inbound call answered by the device with `reply`. */
  async function replied(reply: unknown) {
    const w = await inbound(true);
    const asked = new Promise<string>((resolve) => {
      const on = (_t: string, payload: Buffer) => {
        const m = JSON.parse(payload.toString());
        if (m.replyId) {
          client.off('message', on);
          resolve(m.replyId);
        }
      };
      client.on('message', on);
    });
    const call = post(gw, `/webhooks/${w.token}`, '{}');
    const replyId = await asked;
    await publish(client, `devices/${device.id}/reply/${replyId}`, JSON.stringify(reply));
    return call;
  }

  it.each([
    ['status 100', { statusCode: 100, body: 'x' }],
    ['status 103', { statusCode: 103, body: 'x' }],
    ['status 600', { statusCode: 600, body: 'x' }],
    ['a NUL in a header', { headers: { etag: 'a\u0000b' }, body: 'x' }],
    ['€ in a header', { headers: { 'content-type': 'text/€' }, body: 'x' }],
  ])('a device reply with %s gives the caller a 502 with a reason', async (_what, reply) => {
    const res = await replied(reply);
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('InvalidDeviceReply');
    await gw.http().get('/health').expect(200);
  });

  it('a valid reply still passes', async () => {
    const res = await replied({ statusCode: 201, headers: { etag: '"v1"' }, body: { ok: true } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ok: true });
  });
});

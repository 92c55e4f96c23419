import type { MqttClient } from 'mqtt';
import { request as httpRequest } from 'node:http';
import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  startTestGateway,
  subscribe,
  type TestGateway,
} from './support/harness.js';

describe('security: inbound calls forward no credentials or hop-by-hop headers to devices', () => {
  let gw: TestGateway;
  let client: MqttClient;
  let device: { id: string; token: string };
  beforeAll(async () => {
    gw = await startTestGateway();
    device = await createDevice(gw);
    client = await deviceClient(gw, device);
    await subscribe(client, `devices/${device.id}/downlink/#`);
  });
  afterAll(async () => {
    await endClient(client);
    await gw.stop();
  });

  it('strips Proxy-Authorization, X-Api-Key, tokens, cookies and hop-by-hop headers; keeps the rest', async () => {
    const w = (
      await gw
        .http()
        .post('/api/v1/organization/inbound-webhooks')
        .set(auth())
        .send({ name: 'strip', target: { deviceId: device.id } })
        .expect(201)
    ).body;
    const got = new Promise<any>((resolve) => client.once('message', (_t, p) => resolve(JSON.parse(p.toString()))));
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: gw.httpPort,
          path: `/webhooks/${w.token}`,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'proxy-authorization': 'Basic cHJveHk6cw==',
            'x-api-key': 'k-1',
            'x-auth-token': 't-1',
            'x-hub-signature-256': 'sha256=abc',
            'x-client-secret': 's-1',
            cookie: 'sid=1',
            authorization: 'Bearer b-1',
            connection: 'keep-alive, x-hop',
            'x-hop': 'listed in Connection',
            'keep-alive': 'timeout=5',
            te: 'trailers',
            'x-request-id': 'r-1',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end('{"a":1}');
    });
    const m = await got;
    const names = Object.keys(m.headers);
    for (const stripped of [
      'proxy-authorization',
      'x-api-key',
      'x-auth-token',
      'x-hub-signature-256',
      'x-client-secret',
      'cookie',
      'authorization',
      'connection',
      'x-hop',
      'keep-alive',
      'te',
    ])
      expect([stripped, names.includes(stripped)]).toEqual([stripped, false]);
    expect(m.headers['x-request-id']).toBe('r-1');
    expect(m.headers['content-type']).toBe('application/json');
    expect(JSON.stringify(m)).not.toMatch(/k-1|t-1|s-1|b-1|cHJveHk6cw/);
  });
});

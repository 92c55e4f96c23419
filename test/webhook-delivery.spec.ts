import type { MqttClient } from 'mqtt';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { auth, publish, type TestGateway } from './support/harness.js';
import {
  createWebhook,
  deliveries,
  type DeliveryRig,
  type Receiver,
  startDeliveryRig,
  WEBHOOKS,
} from './support/receiver.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('dispatcher: rendering, auth, signatures and the status policy', () => {
  let rig: DeliveryRig;
  let gw: TestGateway;
  let rx: Receiver;
  let client: MqttClient;
  let device: { id: string; token: string };
  beforeAll(async () => {
    rig = await startDeliveryRig({
      env: { WEBHOOK_TIMEOUT_MS: '500', WEBHOOK_MAX_RESPONSE_BYTES: '64' },
      device: { name: 'Lab/Rig 7 "east"', templateId: 'tpl-x', groupIds: ['g1', 'g2'], metadata: { floor: 3 } },
    });
    ({ gw, rx, client, device } = rig);
    await publish(client, `devices/${device.id}/ds/humidity`, '41');
  });
  afterEach(() => rx.reset());
  afterAll(() => rig.stop());

  /** A webhook on log event `code` of the test device. */
  const hook = (code: string, body: Record<string, unknown>) =>
    createWebhook(gw, { trigger: 'DEVICE_LOG_EVENT', dataTrigger: { deviceId: device.id, eventCode: code }, ...body });
  const fire = (code: string, description = '') => publish(client, `devices/${device.id}/event/${code}`, description);

  it('fills every placeholder family, escaped for URL, header and JSON', async () => {
    await hook('ph', {
      url: `${rx.url}/ph/{device_name}?t={timestamp_unix}`,
      headers: { 'X-Device': '{device_name}', 'X-Code': '{event_code}' },
      body:
        '{"id": "{device_id}", "name": "{device_name}", "tpl": "{device_templateId}", "humidity": {device_dataStream_humidity},' +
        ' "floor": {device_metadata_floor}, "tags": "{device_tags}", "state": "{device_state}", "iso": "{timestamp_iso8601}",' +
        ' "unix": {timestamp_unix}, "desc": "{event_description}", "hook": "{webhook_name}", "org": {org_id}, "unknown": "{no_such}"}',
    });
    await fire('ph', 'He said "hi"\\n');
    const [r] = await rx.wait(1, `/ph/${encodeURIComponent('Lab/Rig 7 "east"')}`);
    const b = JSON.parse(r.body);
    expect(b).toMatchObject({
      id: device.id,
      name: 'Lab/Rig 7 "east"',
      tpl: 'tpl-x',
      humidity: 41,
      floor: 3,
      tags: 'g1,g2',
      state: 'online',
      desc: 'He said "hi"\\n',
      org: 1,
      unknown: '', // unfilled placeholders render empty inside a string (null in a value position)
    });
    expect(new Date(b.iso).getTime()).toBe(b.unix * 1000 + (new Date(b.iso).getTime() % 1000));
    expect(r.headers['x-device']).toBe('Lab/Rig 7 "east"');
    expect(r.headers['x-code']).toBe('ph');
  });

  it('fills datastream placeholders: pin, value and the X-th element of a multi-value pin', async () => {
    await createWebhook(gw, {
      url: `${rx.url}/pin/{device_pin}/{device_pinValue[1]}`,
      method: 'GET',
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: device.id, dataStream: 'rgb' },
    });
    await publish(client, `devices/${device.id}/ds/rgb`, JSON.stringify([255, 128, 0]));
    const [r] = await rx.wait(1, '/pin/rgb/128');
    expect(r.method).toBe('GET');
    expect(r.body).toBe('');
  });

  it('sends PLAIN_TEXT and URL_ENCODED_FORM bodies', async () => {
    await hook('txt', {
      url: `${rx.url}/txt`,
      contentType: 'PLAIN_TEXT',
      body: 'device {device_id} says {event_description}',
    });
    await hook('form', {
      url: `${rx.url}/form`,
      contentType: 'URL_ENCODED_FORM',
      method: 'PUT',
      formBody: { device: '{device_id}', note: '{event_description}' },
    });
    await fire('txt', 'a & b');
    await fire('form', 'a & b=c');
    const [t] = await rx.wait(1, '/txt');
    expect(t.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(t.body).toBe(`device ${device.id} says a & b`);
    const [f] = await rx.wait(1, '/form');
    expect(f.method).toBe('PUT');
    expect(f.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(f.body))).toEqual({ device: device.id, note: 'a & b=c' });
  });

  it('signs with Standard Webhooks, and with both secrets after a rotation', async () => {
    const w = await hook('sig', { url: `${rx.url}/sig` });
    await fire('sig');
    const [r] = await rx.wait(1, '/sig');
    expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(Number(r.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(new StandardWebhook(w.secret).verify(r.body, r.headers as Record<string, string>)).toMatchObject({
      eventActivity: 'log.event',
    });
    const rotated = (await gw.http().post(`${WEBHOOKS}/${w.id}/secret`).set(auth()).expect(201)).body;
    await fire('sig');
    const [, r2] = await rx.wait(2, '/sig');
    expect((r2.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
    for (const secret of [w.secret, rotated.secret])
      expect(() => new StandardWebhook(secret).verify(r2.body, r2.headers as Record<string, string>)).not.toThrow();
    expect(() =>
      new StandardWebhook(`whsec_${Buffer.alloc(24, 1).toString('base64')}`).verify(
        r2.body,
        r2.headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it('sends BASIC and BEARER credentials', async () => {
    await hook('basic', {
      url: `${rx.url}/basic`,
      authType: 'BASIC',
      basicAuth: { username: 'ops', password: 'p@ss:word' },
    });
    await hook('bearer', { url: `${rx.url}/bearer`, authType: 'BEARER', bearerToken: 'tok-123' });
    await fire('basic');
    await fire('bearer');
    expect((await rx.wait(1, '/basic'))[0].headers.authorization).toBe(
      `Basic ${Buffer.from('ops:p@ss:word').toString('base64')}`,
    );
    expect((await rx.wait(1, '/bearer'))[0].headers.authorization).toBe('Bearer tok-123');
  });

  it('OAUTH2: fetches a client-credentials token, reuses it, refreshes once on 401', async () => {
    let issued = 0;
    const revoked = new Set<string>();
    rx.on((req) => {
      if (req.path === '/token') {
        issued++;
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ access_token: `at-${issued}`, token_type: 'Bearer', expires_in: 3600 }),
        };
      }
      if (req.path === '/oauth')
        return revoked.has(String(req.headers.authorization)) ? { status: 401 } : { status: 200 };
      return { status: 200, body: 'ok' };
    });
    await hook('oauth', {
      url: `${rx.url}/oauth`,
      authType: 'OAUTH2',
      oAuth2Request: { tokenUrl: `${rx.url}/token`, clientId: 'cid', clientSecret: 'cs3cret', scope: 'hooks:write' },
    });
    await fire('oauth');
    await fire('oauth');
    await rx.wait(2, '/oauth');
    const [tokenReq] = await rx.wait(1, '/token');
    expect(Object.fromEntries(new URLSearchParams(tokenReq.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'hooks:write',
    });
    expect(tokenReq.headers.authorization).toBe(`Basic ${Buffer.from('cid:cs3cret').toString('base64')}`);
    expect(issued).toBe(1);
    revoked.add('Bearer at-1');
    await fire('oauth');
    const calls = await rx.wait(4, '/oauth');
    expect(calls.map((c) => c.headers.authorization)).toEqual([
      'Bearer at-1',
      'Bearer at-1',
      'Bearer at-1',
      'Bearer at-2',
    ]);
    expect(issued).toBe(2);
  });

  it('retries on the schedule, honouring Retry-After, with a stable webhook-id', async () => {
    rx.on((req, n) =>
      req.path === '/busy' && rx.received.filter((r) => r.path === '/busy').length === 1
        ? { status: 429, headers: { 'retry-after': '1' } }
        : { status: 200, body: `ok ${n}` },
    );
    const w = await hook('busy', { url: `${rx.url}/busy` });
    await fire('busy');
    const [a, b] = await rx.wait(2, '/busy', 4000);
    expect(b.at - a.at).toBeGreaterThanOrEqual(950);
    expect(b.headers['webhook-id']).toBe(a.headers['webhook-id']);
    const log = await waitForLog(w.id, (d) => d.status === 'delivered');
    expect(log.attempts.map((x: any) => x.statusCode)).toEqual([429, 200]);
    expect(log.attempts[0].nextRetryAt).toBeGreaterThanOrEqual(log.attempts[0].ts + 950);
    expect(log.messageId).toBe(a.headers['webhook-id']);
  });

  it('410 Gone disables the webhook and keeps the delivery', async () => {
    rx.on((req) => (req.path === '/gone' ? { status: 410 } : { status: 200 }));
    const w = await hook('gone', { url: `${rx.url}/gone` });
    await fire('gone');
    await rx.wait(1, '/gone');
    const held = await waitForLog(w.id, (d) => d.status === 'held');
    expect(held.attempts.map((x: any) => x.statusCode)).toEqual([410]);
    expect((await gw.http().get(`${WEBHOOKS}/${w.id}`).set(auth())).body.status).toBe('DISABLED_DUE_TO_ERRORS');
  });

  it('never follows a redirect: 3xx is a failure, retried, then failed', async () => {
    rx.on((req) =>
      req.path === '/moved' ? { status: 302, headers: { location: `${rx.url}/elsewhere` } } : { status: 200 },
    );
    const w = await hook('moved', { url: `${rx.url}/moved` });
    await fire('moved');
    const failed = await waitForLog(w.id, (d) => d.status === 'failed');
    expect(failed.attempts.map((x: any) => x.statusCode)).toEqual([302, 302, 302]);
    expect(failed.attempts[0].error).toMatch(/redirect to .*\/elsewhere not followed/);
    expect(rx.received.filter((r) => r.path === '/elsewhere')).toHaveLength(0);
  });

  it('cuts a hanging endpoint at the deadline while other endpoints keep delivering', async () => {
    rx.on((req) => (req.path === '/hang' ? 'hang' : { status: 200, body: 'x'.repeat(10_000) }));
    const slow = await hook('hang', { url: `${rx.url}/hang` });
    const fast = await hook('fast', { url: `${rx.url}/fast` });
    await fire('hang');
    await fire('fast');
    const [fastCall] = await rx.wait(1, '/fast');
    const quick = await waitForLog(fast.id, (d) => d.status === 'delivered');
    expect(quick.attempts[0].response).toBe('x'.repeat(64)); // read up to WEBHOOK_MAX_RESPONSE_BYTES
    const cut = await waitForLog(slow.id, (d) => d.attempts.length >= 1);
    expect(cut.attempts[0]).toMatchObject({
      statusCode: null,
      error: expect.stringMatching(/^Deadline: no complete response within 500 ms/),
    });
    expect(cut.attempts[0].durationMs).toBeGreaterThanOrEqual(450);
    expect(cut.attempts[0].durationMs).toBeLessThan(1500);
    // The healthy endpoint was served while the hanging one still held its attempt.
    expect(fastCall.at).toBeLessThan(cut.attempts[0].ts + cut.attempts[0].durationMs);
  });

  async function waitForLog(webhookId: number, accept: (d: any) => boolean, timeoutMs = 5000): Promise<any> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { items } = await deliveries(gw, webhookId);
      if (items[0] && accept(items[0])) return items[0];
      if (Date.now() > until) throw new Error(`delivery log of webhook ${webhookId}: ${JSON.stringify(items[0])}`);
      await sleep(50);
    }
  }
});

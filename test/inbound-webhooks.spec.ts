import type { MqttClient } from 'mqtt';
import { TenancyService } from '../src/tenancy/tenancy.service.js';
import {
  ADMIN_TOKEN,
  auth,
  connectMqtt,
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  subscribe,
  type TestGateway,
} from './support/harness.js';
import { createWebhook, DELIVERY_ENV, startReceiver } from './support/receiver.js';

const BASE = '/api/v1/organization/inbound-webhooks';

/** Resolves with the next message the client receives on a topic matching `prefix`. */
function nextMessage(client: MqttClient, prefix: string): Promise<{ topic: string; json: any }> {
  return new Promise((resolve) => {
    const on = (topic: string, payload: Buffer) => {
      if (!topic.startsWith(prefix)) return;
      client.off('message', on);
      resolve({ topic, json: JSON.parse(payload.toString()) });
    };
    client.on('message', on);
  });
}

describe('inbound webhooks: HTTP → MQTT (Losant resource)', () => {
  let gw: TestGateway;
  let device: { id: string; token: string };
  let client: MqttClient;
  beforeAll(async () => {
    gw = await startTestGateway({ ...DELIVERY_ENV, INBOUND_REPLY_TIMEOUT_MS: '400' });
    device = await createDevice(gw, { id: 'door-1' });
    client = await deviceClient(gw, device);
    await subscribe(client, `devices/${device.id}/downlink/#`);
  });
  afterAll(async () => {
    await endClient(client);
    await gw.stop();
  });
  const create = async (body: Record<string, unknown>) => {
    const res = await gw
      .http()
      .post(BASE)
      .set(auth())
      .send({ target: { deviceId: device.id }, ...body });
    if (res.status !== 201) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Record<string, any>;
  };

  it('creates, lists with Losant paging, sort and glob filter, patches and deletes', async () => {
    for (const name of ['alpha', 'Alpine', 'beta']) await create({ name });
    const w = (
      await gw.http().get(`${BASE}?sortField=name&sortDirection=desc&perPage=2&page=0`).set(auth()).expect(200)
    ).body;
    expect(w).toMatchObject({ count: 2, totalCount: 3, perPage: 2, page: 0, sortField: 'name', sortDirection: 'desc' });
    expect(w.items.map((x: any) => x.name)).toEqual(['beta', 'Alpine']);
    const filtered = (await gw.http().get(`${BASE}?filterField=name&filter=al*`).set(auth()).expect(200)).body;
    expect(filtered.items.map((x: any) => x.name).sort()).toEqual(['Alpine', 'alpha']);
    const one = w.items[0];
    expect(one).toMatchObject({
      responseCode: 200,
      verificationType: 'none',
      waitForReply: false,
      enabled: true,
      target: { deviceId: 'door-1' },
    });
    expect(one.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const patched = (
      await gw.http().patch(`${BASE}/${one.id}`).set(auth()).send({ responseCode: 202, description: 'd' }).expect(200)
    ).body;
    expect(patched).toMatchObject({ responseCode: 202, description: 'd', token: one.token });
    const unknown = await gw.http().patch(`${BASE}/${one.id}`).set(auth()).send({ token: 'mine' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/property token should not exist/);
    expect(
      (
        await gw
          .http()
          .post(BASE)
          .set(auth())
          .send({ name: 'x', responseCode: 700, target: { deviceId: 'door-1' } })
      ).body.error.message,
    ).toMatch(/responseCode must be 100 to 599/);
    await gw.http().delete(`${BASE}/${one.id}`).set(auth()).expect(204);
    await gw.http().get(`${BASE}/${one.id}`).set(auth()).expect(404);
  });

  it("answers at Losant's own paths with its error body and {success: true} on delete", async () => {
    const LOSANT = '/applications/1/webhooks';
    const created = (
      await gw
        .http()
        .post(LOSANT)
        .set(auth())
        .send({ name: 'losant', target: { deviceId: 'door-1' } })
        .expect(201)
    ).body;
    expect(created).toMatchObject({ name: 'losant', applicationId: '1', token: expect.any(String) });
    const list = (await gw.http().get(`${LOSANT}?filterField=name&filter=los*`).set(auth()).expect(200)).body;
    expect(list).toMatchObject({ count: 1, totalCount: expect.any(Number), items: [{ id: created.id }] });
    expect(
      (await gw.http().patch(`${LOSANT}/${created.id}`).set(auth()).send({ waitForReply: true }).expect(200)).body
        .waitForReply,
    ).toBe(true);
    expect((await gw.http().patch(`${LOSANT}/${created.id}`).set(auth()).send({ nope: 1 })).body).toEqual({
      type: 'Validation',
      message: 'property nope should not exist',
    });
    expect((await gw.http().get(`/applications/2/webhooks`).set(auth())).body).toEqual({
      type: 'NotFound',
      message: 'Application was not found',
    });
    expect((await gw.http().get(LOSANT)).body).toMatchObject({ type: 'Unauthorized' });
    expect((await gw.http().delete(`${LOSANT}/${created.id}`).set(auth()).expect(200)).body).toEqual({ success: true });
    expect((await gw.http().get(`${LOSANT}/${created.id}`).set(auth()).expect(404)).body).toEqual({
      type: 'NotFound',
      message: 'Webhook not found or access denied',
    });
  });

  it('enforces the webhook scopes', async () => {
    const tenancy = gw.app.get(TenancyService);
    const reader = (await tenancy.createToken(1, 'reader', ['webhooks.get'])).token;
    const single = (await tenancy.createToken(1, 'single', ['webhook.get'])).token;
    const w = await create({ name: 'scoped' });
    await gw.http().get(BASE).set(auth(reader)).expect(200);
    await gw
      .http()
      .post(BASE)
      .set(auth(reader))
      .send({ name: 'no', target: { deviceId: 'door-1' } })
      .expect(403);
    await gw.http().get(`${BASE}/${w.id}`).set(auth(single)).expect(200);
    await gw.http().get(BASE).set(auth(single)).expect(403);
    await gw.http().delete(`${BASE}/${w.id}`).set(auth(single)).expect(403);
    const patcher = (await tenancy.createToken(1, 'patcher', ['webhook.patch'])).token;
    await gw.http().patch(`${BASE}/${w.id}`).set(auth(patcher)).send({ description: 'ok' }).expect(200);
    await gw
      .http()
      .patch(`/applications/1/webhooks/${w.id}`)
      .set(auth(patcher))
      .send({ description: 'ok' })
      .expect(200);
    await gw.http().get(`/applications/1/webhooks/${w.id}`).set(auth(patcher)).expect(403);
    const star = (await tenancy.createToken(1, 'star', ['webhooks.*'])).token;
    await gw
      .http()
      .post(BASE)
      .set(auth(star))
      .send({ name: 'by star', target: { deviceId: 'door-1' } })
      .expect(201);
    const ro = (await tenancy.createToken(1, 'ro', ['all.Organization.read'])).token;
    await gw.http().get(`${BASE}/${w.id}`).set(auth(ro)).expect(200);
    await gw.http().patch(`${BASE}/${w.id}`).set(auth(ro)).send({ description: 'no' }).expect(403);
  });

  it('refuses a target device of another organization', async () => {
    const org2 = await gw.app.get(TenancyService).createOrganization('other');
    const token2 = (await gw.app.get(TenancyService).createToken(org2.id, 'admin', ['all.Organization'])).token;
    const res = await gw
      .http()
      .post(BASE)
      .set(auth(token2))
      .send({ name: 'steal', target: { deviceId: 'door-1' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('target.deviceId: device door-1 is not a device of this organization');
  });

  it('publishes a call to the device with the exact shape, cookies stripped, and answers responseCode', async () => {
    const w = await create({ name: 'shape', responseCode: 202, target: { deviceId: device.id, path: 'door/open' } });
    const got = nextMessage(client, `devices/${device.id}/downlink/door/open`);
    const res = await gw
      .http()
      .post(`/webhooks/${w.token}/a/b?x=1&y=two`)
      .set('Cookie', 'session=secret')
      .set('X-Trace', 't1')
      .send({ open: true, seconds: 5 });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ success: true });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    const m = await got;
    expect(Object.keys(m.json).sort()).toEqual(['body', 'headers', 'method', 'path', 'query', 'time']);
    expect(m.json).toMatchObject({
      path: '/a/b',
      method: 'post',
      query: { x: '1', y: 'two' },
      body: { open: true, seconds: 5 },
    });
    expect(m.json.headers['x-trace']).toBe('t1');
    expect(m.json.headers.cookie).toBeUndefined();
    expect(new Date(m.json.time).getTime()).toBeGreaterThan(Date.now() - 5000);
  });

  it('reaches every device of a template or group, and a free topic under orgs/{orgId}/', async () => {
    const a = await createDevice(gw, { id: 'lamp-a', templateId: 'lamp', groupIds: ['hall'] });
    const b = await createDevice(gw, { id: 'lamp-b', templateId: 'lamp' });
    const [ca, cb] = [await deviceClient(gw, a), await deviceClient(gw, b)];
    expect(await subscribe(ca, 'devices/lamp-a/downlink/#')).toBe(1);
    expect(await subscribe(cb, 'devices/lamp-b/downlink/#')).toBe(1);
    const service = await connectMqtt(gw, { clientId: 'svc', username: 'token', password: ADMIN_TOKEN });
    expect(await subscribe(service, 'orgs/1/#')).toBe(1);
    const tpl = await create({ name: 'all lamps', target: { templateId: 'lamp', path: 'light' } });
    const both = [nextMessage(ca, 'devices/lamp-a/downlink/light'), nextMessage(cb, 'devices/lamp-b/downlink/light')];
    await gw.http().post(`/webhooks/${tpl.token}`).send({ on: true }).expect(200);
    expect((await Promise.all(both)).map((m) => m.json.body)).toEqual([{ on: true }, { on: true }]);
    const group = await create({ name: 'hall', target: { groupId: 'hall' } });
    const hall = nextMessage(ca, 'devices/lamp-a/downlink/webhook');
    await gw.http().post(`/webhooks/${group.token}`).send({ dim: 3 }).expect(200);
    expect((await hall).json.body).toEqual({ dim: 3 });
    const topic = await create({ name: 'feed', target: { topic: 'alerts/door' } });
    const feed = nextMessage(service, 'orgs/1/alerts/door');
    await gw.http().post(`/webhooks/${topic.token}`).send({ alarm: 1 }).expect(200);
    expect((await feed).json).toMatchObject({ method: 'post', body: { alarm: 1 } });
    expect(
      (
        await gw
          .http()
          .post(BASE)
          .set(auth())
          .send({ name: 'two', target: { deviceId: 'lamp-a', groupId: 'hall' } })
      ).body.error.message,
    ).toBe('target must name exactly one of deviceId, templateId, groupId, topic');
    for (const c of [ca, cb, service]) await endClient(c);
  });

  it('parses url-encoded, multipart, text and binary bodies', async () => {
    const w = await create({ name: 'bodies' });
    const topic = `devices/${device.id}/downlink/webhook`;
    let got = nextMessage(client, topic);
    await gw.http().post(`/webhooks/${w.token}`).type('form').send({ a: '1', b: 'x y' }).expect(200);
    expect((await got).json.body).toEqual({ a: '1', b: 'x y' });
    got = nextMessage(client, topic);
    await gw
      .http()
      .post(`/webhooks/${w.token}`)
      .field('note', 'hi')
      .attach('file', Buffer.from('abc'), { filename: 'a.bin', contentType: 'application/octet-stream' })
      .expect(200);
    expect((await got).json.body).toEqual({
      note: 'hi',
      file: { filename: 'a.bin', mimeType: 'application/octet-stream', base64: Buffer.from('abc').toString('base64') },
    });
    got = nextMessage(client, topic);
    await gw.http().put(`/webhooks/${w.token}`).set('Content-Type', 'text/plain').send('hello').expect(200);
    expect((await got).json).toMatchObject({ method: 'put', body: 'hello' });
    got = nextMessage(client, topic);
    await gw
      .http()
      .post(`/webhooks/${w.token}`)
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from([0, 255, 1]))
      .expect(200);
    expect((await got).json.body).toBe(Buffer.from([0, 255, 1]).toString('base64'));
  });

  it("waitForReply: the device's reply is the response, with safe headers only; no reply ⇒ 504", async () => {
    const w = await create({ name: 'reply', waitForReply: true });
    const got = nextMessage(client, `devices/${device.id}/downlink/webhook`);
    const pending = gw.http().get(`/webhooks/${w.token}/status`);
    const call = pending.then((r) => r);
    const m = await got;
    expect(m.json.replyId).toEqual(expect.any(String));
    await publish(
      client,
      `devices/${device.id}/reply/${m.json.replyId}`,
      JSON.stringify({
        statusCode: 201,
        headers: { 'Content-Type': 'text/plain', 'Set-Cookie': 'evil=1', 'Access-Control-Allow-Origin': '*' },
        body: 'opened',
      }),
    );
    const res = await call;
    expect(res.status).toBe(201);
    expect(res.text).toBe('opened');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    const timeout = await gw.http().get(`/webhooks/${w.token}`);
    expect(timeout.status).toBe(504);
    expect(timeout.body.error.code).toBe('ReplyTimeout');
  });

  it('does not let a device reply for another', async () => {
    const other = await createDevice(gw, { id: 'door-2' });
    const otherClient = await deviceClient(gw, other);
    const w = await create({ name: 'impostor', waitForReply: true });
    const got = nextMessage(client, `devices/${device.id}/downlink/webhook`);
    const call = gw
      .http()
      .post(`/webhooks/${w.token}`)
      .send({})
      .then((r) => r);
    const { json } = await got;
    await publish(otherClient, `devices/${device.id}/reply/${json.replyId}`, JSON.stringify({ body: 'forged' })); // denied by the ACL
    await publish(otherClient, `devices/${other.id}/reply/${json.replyId}`, JSON.stringify({ body: 'wrong device' })); // not a target
    // Both were routed before the real reply below is even sent (Aedes delivers in order of publication).
    await publish(client, `devices/${device.id}/reply/${json.replyId}`, JSON.stringify({ body: { real: true } }));
    const res = await call;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ real: true });
    await endClient(otherClient);
  });

  it('refuses calls without basic auth, to a disabled webhook, over the rate, and over the size limit', async () => {
    const w = await create({ name: 'guarded', basicAuthUsername: 'ops', basicAuthPassword: 's3cret' });
    expect(w.basicAuthPassword).toBe('********');
    const none = await gw.http().post(`/webhooks/${w.token}`).send({});
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Basic realm="webhook"');
    await gw.http().post(`/webhooks/${w.token}`).auth('ops', 'wrong').send({}).expect(401);
    await gw.http().post(`/webhooks/${w.token}`).auth('ops', 's3cret').send({}).expect(200);
    await gw.http().post(`/webhooks/not-a-token`).send({}).expect(404);

    const off = await create({ name: 'off', enabled: false });
    expect((await gw.http().post(`/webhooks/${off.token}`).send({})).status).toBe(403);

    const big = await create({ name: 'big' });
    const huge = await gw
      .http()
      .post(`/webhooks/${big.token}`)
      .set('Content-Type', 'text/plain')
      .send('x'.repeat(300 * 1024));
    expect(huge.status).toBe(413);

    const busy = await create({ name: 'busy' });
    const statuses: number[] = [];
    for (let i = 0; i < 101; i++) statuses.push((await gw.http().post(`/webhooks/${busy.token}`).send({ i })).status);
    expect(statuses.slice(0, 100).every((s) => s === 200)).toBe(true);
    const last = await gw.http().post(`/webhooks/${busy.token}`).send({});
    expect(statuses[100]).toBe(429);
    expect(last.status).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('sends REST commands to a device (QoS and retain selectable) and waits for its reply', async () => {
    const got = nextMessage(client, `devices/${device.id}/downlink/cmd/reboot`);
    const call = gw
      .http()
      .post(`/api/v1/organization/devices/${device.id}/downlink/cmd/reboot?waitForReply=true&qos=1`)
      .set(auth())
      .send({ delayS: 5 })
      .then((r) => r);
    const m = await got;
    expect(m.json).toEqual({ body: { delayS: 5 }, replyId: expect.any(String) });
    await publish(client, `devices/${device.id}/reply/${m.json.replyId}`, JSON.stringify({ body: 'rebooting' }));
    const res = await call;
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ topic: `devices/${device.id}/downlink/cmd/reboot`, reply: { body: 'rebooting' } });
    const plain = await gw
      .http()
      .post(`/api/v1/organization/devices/${device.id}/downlink/led?qos=0&retain=true`)
      .set(auth())
      .send({ on: true });
    expect(plain.body).toEqual({ topic: `devices/${device.id}/downlink/led`, qos: 0, retain: true, published: true });
    await gw.http().post('/api/v1/organization/devices/nope/downlink/led').set(auth()).send({}).expect(404);
    expect(
      (await gw.http().post(`/api/v1/organization/devices/${device.id}/downlink/led?qos=2`).set(auth()).send({}))
        .status,
    ).toBe(400);
  });

  it('turns every call into an inbound.received event that outbound webhooks can trigger on', async () => {
    const rx = await startReceiver();
    await createWebhook(gw, {
      url: `${rx.url}/fanout`,
      trigger: 'INBOUND_WEBHOOK_RECEIVED',
      body: '{"what": "{event_activity}", "device": "{device_id}"}',
    });
    const w = await create({ name: 'fan' });
    await gw.http().post(`/webhooks/${w.token}/x`).send({ v: 1 }).expect(200);
    const [r] = await rx.wait(1, '/fanout');
    expect(JSON.parse(r.body)).toEqual({ what: 'inbound.received', device: device.id });
    await rx.close();
  });
});

import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { TenancyService } from '../src/tenancy/tenancy.service.js';
import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  getDevice,
  publish,
  startTestGateway,
  type TestGateway,
  waitFor,
} from './support/harness.js';
import { createWebhook, DELIVERY_ENV, matchedEvents, startReceiver, WEBHOOKS } from './support/receiver.js';

// Issue 25, points 1-4: what a user migrating from each seed still tripped on, replayed with the seeds' own
// example requests where they give one.

/** Organizations up to `id`, and an all.Organization token of the last one (Bold's examples use orgs 6 and 7). */
async function tokenOfOrg(gw: TestGateway, id: number): Promise<string> {
  const tenancy = gw.app.get(TenancyService);
  while (!(await tenancy.findOrganization(id))) await tenancy.createOrganization(`org ${Date.now()}`);
  return (await tenancy.createToken(id, 'bold', ['all.Organization'])).token;
}

describe('Bold (seed 002): the subscription created by the seed can be listed, read, replaced and deleted', () => {
  const SECURE_EXAMPLE = {
    organizationId: 6,
    deviceIds: [85, 86, 87],
    secretHttp: 'PoWJFA11inptkbGz',
    webhookUrl: 'https://webhooks.athom.com/webhook/XXXXX',
    topics: ['DeviceActivationEvents', 'DeviceDeactivationEvents', 'DeviceStatusEvents', 'DeviceTamperEvents'],
  };
  const HSTS = 'max-age=31536000; includeSubDomains';
  let gw: TestGateway;
  let key6: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    key6 = await tokenOfOrg(gw, 6);
    for (const id of SECURE_EXAMPLE.deviceIds) await createDevice(gw, { id: String(id) }, key6);
  });
  afterAll(() => gw.stop());

  it("GET lists it in the request's own shape, and GET /{id} shows it, with Bold's headers and API-key auth", async () => {
    const created = (await gw.http().post('/v2/webhooks').set(auth(key6)).send(SECURE_EXAMPLE).expect(200)).body;
    // A webhook made through Blynk's API is not a Bold subscription: not listed on /v2.
    await createWebhook(gw, { trigger: 'DEVICE_ADDED', url: 'https://example.com/blynk' }, key6);
    const { secretHttp: _s, ...shown } = SECURE_EXAMPLE;
    const expected = { id: created.id, ...shown, deviceGroupIds: [] };
    const list = await gw.http().get('/v2/webhooks').set('Authorization', key6);
    expect([list.status, list.body]).toEqual([200, [expected]]);
    expect(list.headers['strict-transport-security']).toBe(HSTS);
    expect(list.headers['access-control-allow-methods']).toBe('GET, POST, DELETE, OPTIONS, PUT');
    const one = await gw.http().get(`/v2/webhooks/${created.id}`).set(auth(key6));
    expect([one.status, one.body]).toEqual([200, expected]);
    const badKey = await gw.http().get('/v2/webhooks').set('Authorization', 'not-a-key-0123456789');
    expect([badKey.status, badKey.body.errorMessage]).toEqual([401, 'Invalid authentication token']);
    const preflight = await gw.http().options(`/v2/webhooks/${created.id}`).set('Origin', 'https://app.example');
    expect([preflight.status, preflight.headers['access-control-allow-origin']]).toEqual([204, '*']);
  });

  it("PUT takes the POST body and replaces the subscription; DELETE removes it; then 404 in Bold's shape", async () => {
    const created = (await gw.http().post('/v2/webhooks').set(auth(key6)).send(SECURE_EXAMPLE).expect(200)).body;
    const replacement = { ...SECURE_EXAMPLE, deviceIds: [85], topics: ['DeviceTamperEvents'], secretHttp: undefined };
    const put = await gw.http().put(`/v2/webhooks/${created.id}`).set(auth(key6)).send(replacement);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      id: created.id,
      organizationId: 6,
      deviceIds: [85],
      deviceGroupIds: [],
      webhookUrl: SECURE_EXAMPLE.webhookUrl,
      topics: ['DeviceTamperEvents'],
    });
    const w = (await gw.http().get(`${WEBHOOKS}/${created.id}`).set(auth(key6)).expect(200)).body;
    expect(w.dataTrigger).toEqual({ eventCodes: ['tamper'], deviceIds: ['85'] });
    expect(w.httpSecret).toBeUndefined(); // absent from the PUT body: removed
    const insecure = await gw
      .http()
      .put(`/v2/webhooks/${created.id}`)
      .set(auth(key6))
      .send({ ...SECURE_EXAMPLE, webhookUrl: 'http://webhooks.athom.com/webhook/XXXXX' });
    expect([insecure.status, insecure.body.code]).toEqual([400, 'WebhookUnsupportedProtocol']);
    const del = await gw.http().delete(`/v2/webhooks/${created.id}`).set(auth(key6));
    expect([del.status, del.text, del.headers['strict-transport-security']]).toEqual([204, '', HSTS]);
    const gone = await gw.http().get(`/v2/webhooks/${created.id}`).set(auth(key6));
    expect([gone.status, gone.body]).toEqual([
      404,
      { message: 'Webhook not found', code: 'NotFound', errorMessage: 'Webhook not found', errorCode: 'NotFound' },
    ]);
    expect((await gw.http().delete(`/v2/webhooks/${created.id}`).set(auth(key6))).status).toBe(404);
  });

  it("answers a malformed id, another org's subscription and a non-Bold webhook in Bold's error shape", async () => {
    const bad = await gw.http().get('/v2/webhooks/abc').set(auth(key6));
    expect([bad.status, bad.body.code, bad.body.message]).toEqual([
      400,
      'ValidationError',
      'webhook id (in the path) must be a whole number',
    ]);
    expect(bad.body.errorMessage).toBe(bad.body.message);
    const mine = (await gw.http().post('/v2/webhooks').set(auth(key6)).send(SECURE_EXAMPLE).expect(200)).body;
    const key7 = await tokenOfOrg(gw, 7);
    expect((await gw.http().get(`/v2/webhooks/${mine.id}`).set(auth(key7))).status).toBe(404);
    expect((await gw.http().delete(`/v2/webhooks/${mine.id}`).set(auth(key7))).status).toBe(404);
    const blynk = await createWebhook(gw, { trigger: 'DEVICE_DELETED', url: 'https://example.com/b' }, key6);
    expect((await gw.http().delete(`/v2/webhooks/${blynk.id}`).set(auth(key6))).status).toBe(404);
    await gw.http().get(`${WEBHOOKS}/${blynk.id}`).set(auth(key6)).expect(200);
  });
});

describe('Bold: callbacks follow a PUT', () => {
  it('sends only the topics and the secretHttp of the replacement, with the HMAC a Bold receiver checks', async () => {
    const rx = await startReceiver();
    const gw = await startTestGateway(DELIVERY_ENV);
    const lock = await createDevice(gw, { id: '85' });
    const request = {
      organizationId: 1,
      deviceIds: [85],
      secretHttp: 'PoWJFA11inptkbGz',
      webhookUrl: `${rx.url}/bold`,
      topics: ['DeviceActivationEvents', 'DeviceDeactivationEvents', 'DeviceTamperEvents'],
    };
    const sub = (await gw.http().post('/v2/webhooks').set(auth()).send(request).expect(200)).body;
    await gw
      .http()
      .put(`/v2/webhooks/${sub.id}`)
      .set(auth())
      .send({ ...request, secretHttp: 'K22DgtNmch9DxKtJ', topics: ['DeviceTamperEvents'] })
      .expect(200);
    const c = await deviceClient(gw, lock);
    await publish(c, 'devices/85/event/activation', 'unlocked');
    await publish(c, 'devices/85/event/tamper', 'case opened');
    const [r] = await rx.wait(1, '/bold');
    expect(await matchedEvents(gw, sub.id)).toBe(1);
    expect(JSON.parse(r.body)).toMatchObject({ topic: 'DeviceTamperEvents', deviceUdid: '85' });
    expect(r.headers['x-webhook-secret']).toBe('K22DgtNmch9DxKtJ');
    const hmac = createHmac('sha256', sub.secretHmac as string)
      .update(r.body)
      .digest('hex');
    expect(r.headers['x-webhook-hmac-sha256']).toBe(hmac);
    await endClient(c);
    await gw.stop();
    await rx.close();
  });
});

describe('Kobiton (seed 001): names, events and error paths', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(DELIVERY_ENV);
  });
  afterAll(() => gw.stop());
  const post = (body: Record<string, unknown>) => gw.http().post(WEBHOOKS).set(auth()).send(body);
  const status = (name: string, statuses?: string[]) => ({
    name,
    trigger: 'DEVICE_STATUS',
    url: 'https://webhook.site/49e1592a',
    ...(statuses ? { dataTrigger: { statuses } } : {}),
  });

  it('trims names, refuses a blank one, and keeps names unique once trimmed', async () => {
    const blank = await post(status('   ', ['online']));
    expect([blank.status, blank.body.error.message]).toEqual([
      400,
      'name must be 1 to 50 characters, spaces around it not counted',
    ]);
    const created = await post(status('  Webhook for online status  ', ['online']));
    expect([created.status, created.body.name]).toEqual([201, 'Webhook for online status']);
    expect((await post(status('Webhook for online status ', ['online']))).status).toBe(409);
    const renamed = await gw.http().patch(`${WEBHOOKS}/${created.body.id}`).set(auth()).send({ name: ' \t ' });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.message).toContain('name must be 1 to 50 characters');
  });

  it('needs at least one event enabled, and names each error path once', async () => {
    for (const statuses of [undefined, []]) {
      const res = await post(status(`no events ${String(statuses)}`, statuses));
      expect([res.status, res.body.error.message]).toEqual([
        400,
        'dataTrigger.statuses must enable at least one status for DEVICE_STATUS (Kobiton: at least 1 event)',
      ]);
    }
    const busy = await post(status('busy', ['busy']));
    expect(busy.body.error.message).toBe(
      'dataTrigger.statuses must each be one of online, offline, utilizing, unplugged',
    );
    const op = await post({
      name: 'op',
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      url: 'https://example.com/x',
      dataTrigger: { deviceId: 'd1', dataStream: 't', condition: { op: 'above' } },
    });
    expect(op.body.error.message).toMatch(/^dataTrigger\.condition\.op must be one of any, changed/);
    const device = await post({
      name: 'dev',
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      url: 'https://example.com/x',
      dataTrigger: { deviceId: 'a b', dataStream: 't' },
    });
    expect(device.body.error.message).toMatch(/^dataTrigger\.deviceId must match /);
  });

  it("calls back on the enabled event only, with the seed's payload fields and a verifiable signature", async () => {
    const rx = await startReceiver();
    const hook = await createWebhook(gw, {
      ...status('Webhook for online status', ['online']),
      name: 'Online only',
      url: `${rx.url}/kobiton`,
    });
    const phone = await createDevice(gw, { id: 'ce0917198075440c057e', name: 'Galaxy Note 8' });
    const c = await deviceClient(gw, phone);
    const [r] = await rx.wait(1, '/kobiton');
    expect(JSON.parse(r.body)).toMatchObject({
      eventType: 'DEVICE',
      eventActivity: 'device.status.online',
      eventDescription: 'Online',
      deviceUdid: 'ce0917198075440c057e',
      deviceName: 'Galaxy Note 8',
      orgId: 1,
      webhookId: hook.id,
      webhookName: 'Online only',
    });
    expect(() => new StandardWebhook(hook.secret).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
    await endClient(c);
    await waitFor(
      () => getDevice(gw, phone.id),
      (d) => d.status === 'offline',
    );
    expect(await matchedEvents(gw, hook.id)).toBe(1); // offline is not enabled
    await rx.close();
  });
});

describe('Losant (seed 003): webhookId, and a malformed WEBHOOK_ID is a 400', () => {
  const APP = '/applications/1/webhooks';
  const SEED_PATCH_BODY = { name: 'My Updated Webhook', responseCode: 201 };
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.stop());

  it('shows webhookId (= id) on create, list, get and patch', async () => {
    const created = (await gw.http().post(APP).set(auth()).send({ name: 'My Webhook' }).expect(201)).body;
    expect(created.id).toMatch(/^[a-f\d]{24}$/);
    expect(created.webhookId).toBe(created.id);
    const list = (await gw.http().get(APP).set(auth()).expect(200)).body;
    expect(list.items.map((w: { id: string; webhookId: string }) => [w.id, w.webhookId])).toEqual([
      [created.id, created.id],
    ]);
    expect((await gw.http().get(`${APP}/${created.id}`).set(auth()).expect(200)).body.webhookId).toBe(created.id);
    const patched = await gw.http().patch(`${APP}/${created.id}`).set(auth()).send(SEED_PATCH_BODY);
    expect(patched.body).toMatchObject({ ...SEED_PATCH_BODY, webhookId: created.id });
    // ObjectIds are hexadecimal in either case.
    await gw.http().get(`${APP}/${created.id.toUpperCase()}`).set(auth()).expect(200);
  });

  it("answers the seed's requests with a malformed id as 400 {type, message}, a missing one as 404", async () => {
    for (const [method, body] of [
      ['get', undefined],
      ['patch', SEED_PATCH_BODY],
      ['delete', undefined],
    ] as const) {
      const res = await gw.http()[method](`${APP}/not-a-webhook-id`).set(auth()).send(body);
      expect([method, res.status, res.body]).toEqual([
        method,
        400,
        { type: 'Validation', message: 'webhookId must be 24 hexadecimal digits, not "not-a-webhook-id"' },
      ]);
    }
    const missing = await gw.http().get(`${APP}/575ed78e7ae143cd83dc4aab`).set(auth());
    expect([missing.status, missing.body.type]).toEqual([404, 'NotFound']);
    // A nested field's path is named once (it read "target.target.deviceId").
    const target = await gw
      .http()
      .post(APP)
      .set(auth())
      .send({ name: 'bad target', target: { deviceId: 'a b' } });
    expect([target.status, target.body.message]).toEqual([400, expect.stringMatching(/^target\.deviceId must match /)]);
  });
});

describe('Blynk (seed 000): ids and orgId named in every 400, no dropped body, the device’s orgId', () => {
  const SEED_CREATE_BODY = {
    name: 'Device Status Notification',
    trigger: 'DEVICE_ADDED',
    url: 'https://example.com/webhook/{device_id}',
    method: 'POST',
    contentType: 'JSON',
    authType: 'NONE',
    body: '{"device_id": "{device_id}"}',
    failureLimit: 10,
  };
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(DELIVERY_ENV);
  });
  afterAll(() => gw.stop());

  it('names the path parameter of every non-numeric id', async () => {
    const cases: [string, string, string][] = [
      ['get', `${WEBHOOKS}/abc`, 'webhook id'],
      ['put', `${WEBHOOKS}/abc`, 'webhook id'],
      ['patch', `${WEBHOOKS}/abc`, 'webhook id'],
      ['delete', `${WEBHOOKS}/abc`, 'webhook id'],
      ['post', `${WEBHOOKS}/abc/secret`, 'webhook id'],
      ['get', `${WEBHOOKS}/abc/deliveries`, 'webhook id'],
      ['get', `${WEBHOOKS}/1/deliveries/abc`, 'delivery id'],
      ['get', '/api/v1/organization/users/abc', 'user id'],
      ['delete', '/api/v1/organization/tokens/abc', 'token id'],
    ];
    for (const [method, path, name] of cases) {
      const res = await gw.http()[method as 'get'](path).set(auth()).send(SEED_CREATE_BODY);
      expect([method, path, res.status, res.body.error?.message]).toEqual([
        method,
        path,
        400,
        `${name} (in the path) must be a whole number`,
      ]);
    }
  });

  it("answers orgId=abc with 400 naming orgId, and the seed's orgId=101 (no such org) with 404", async () => {
    const abc = await gw.http().get(`${WEBHOOKS}?orgId=abc`).set(auth());
    expect([abc.status, abc.body.error]).toEqual([
      400,
      {
        message: 'orgId must be an organization id (a whole number), not "abc"',
        code: 'ValidationError',
        fields: [{ path: 'orgId', message: 'orgId must be an organization id (a whole number), not "abc"' }],
      },
    ]);
    expect((await gw.http().get(`${WEBHOOKS}?orgId=1.5`).set(auth())).status).toBe(400);
    const missing = await gw.http().post(`${WEBHOOKS}?orgId=101`).set(auth()).send(SEED_CREATE_BODY);
    expect([missing.status, missing.body.error.message]).toEqual([404, 'Organization not found or access denied']);
  });

  it('refuses a body template on GET and DELETE webhooks, saying why', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await gw
        .http()
        .post(WEBHOOKS)
        .set(auth())
        .send({ ...SEED_CREATE_BODY, name: `seed as ${method}`, method });
      expect([res.status, res.body.error.message]).toEqual([
        400,
        `body: a ${method} callback carries no body; send the data in the url's placeholders, or use POST, PUT or PATCH`,
      ]);
    }
    const form = await gw
      .http()
      .post(WEBHOOKS)
      .set(auth())
      .send({ ...SEED_CREATE_BODY, body: '', method: 'GET', contentType: 'URL_ENCODED_FORM', formBody: { a: '1' } });
    expect(form.body.error.message).toMatch(/^formBody: a GET callback carries no body/);
    const created = await createWebhook(gw, SEED_CREATE_BODY);
    const toGet = await gw.http().patch(`${WEBHOOKS}/${created.id}`).set(auth()).send({ method: 'GET' });
    expect([toGet.status, toGet.body.error.message]).toEqual([400, expect.stringMatching(/^body: a GET callback/)]);
    const cleared = await gw.http().patch(`${WEBHOOKS}/${created.id}`).set(auth()).send({ method: 'GET', body: '' });
    expect([cleared.status, cleared.body.method]).toEqual([200, 'GET']);
  });

  it("puts the device's organization in GLOBAL_PRODUCT_* payloads (and {org_id}), not the webhook's", async () => {
    const rx = await startReceiver();
    const sub = (
      await gw.http().post('/api/v1/organization/organizations').set(auth()).send({ name: 'Sub' }).expect(201)
    ).body as { id: number; adminToken: string };
    await gw.http().post('/api/v1/organization/templates').set(auth()).send({ id: 'TMPLG', name: 'G' }).expect(201);
    const dataTrigger = { templateId: 'TMPLG', dataStream: 't' };
    await createWebhook(gw, { trigger: 'GLOBAL_PRODUCT_DATASTREAM_UPDATE', dataTrigger, url: `${rx.url}/payload` });
    await createWebhook(gw, {
      trigger: 'GLOBAL_PRODUCT_DATASTREAM_UPDATE',
      dataTrigger,
      url: `${rx.url}/template?org={org_id}`,
      body: '{"org": {org_id}, "device": "{device_id}"}',
    });
    for (const [id, token] of [
      ['in-sub', sub.adminToken],
      ['in-parent', undefined],
    ] as const) {
      const d = await createDevice(gw, { id, templateId: 'TMPLG' }, token);
      const c = await deviceClient(gw, d);
      await publish(c, `devices/${id}/ds/t`, '1');
      await endClient(c);
    }
    const payloads = (await rx.wait(2, '/payload')).map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(payloads.map((p) => [p.deviceUdid, p.orgId]).sort()).toEqual([
      ['in-parent', 1],
      ['in-sub', sub.id],
    ]);
    const templated = await rx.wait(2, '/template');
    expect(templated.map((r) => [r.path, JSON.parse(r.body)]).sort()).toEqual([
      ['/template?org=1', { org: 1, device: 'in-parent' }],
      [`/template?org=${sub.id}`, { org: sub.id, device: 'in-sub' }],
    ]);
    await rx.close();
  });
});

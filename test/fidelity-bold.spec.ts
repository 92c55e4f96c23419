import { createHmac } from 'node:crypto';
import { TenancyService } from '../src/tenancy/tenancy.service.js';
import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  type TestGateway,
} from './support/harness.js';
import { DELIVERY_ENV, startReceiver } from './support/receiver.js';

// Seed 002 (Bold): its two requests verbatim, with an API key instead of a bearer token, and the rest of
// what a Bold client meets: CORS preflight, security headers on every /v2 answer, groups, unknown devices.
const SECURE_EXAMPLE = {
  organizationId: 6,
  deviceIds: [85, 86, 87],
  secretHttp: 'PoWJFA11inptkbGz',
  webhookUrl: 'https://webhooks.athom.com/webhook/XXXXX',
  topics: ['DeviceActivationEvents', 'DeviceDeactivationEvents', 'DeviceStatusEvents', 'DeviceTamperEvents'],
};
const INSECURE_EXAMPLE = {
  organizationId: 7,
  deviceIds: [89, 90, 91],
  secretHttp: 'K22DgtNmch9DxKtJ',
  webhookUrl: 'http://webhooks.athom.com/webhook/XXXXX',
  topics: ['DeviceActivationEvents', 'DeviceDeactivationEvents', 'DeviceStatusEvents', 'DeviceTamperEvents'],
};
const SEED_HEADERS: Record<string, string> = {
  'access-control-expose-headers': 'authorization, content-type',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS, PUT',
  'access-control-allow-origin': '*',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-frame-options': 'SAMEORIGIN',
  'x-content-type-options': 'nosniff',
  'x-xss-protection': '1; mode=block',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'feature-policy': 'self',
  'permissions-policy': 'interest-cohort=()',
};
const seedHeadersOf = (headers: Record<string, string>) =>
  Object.fromEntries(Object.keys(SEED_HEADERS).map((k) => [k, headers[k]]));

/** Organizations up to `id`, and an admin token of the last one. */
async function tokenOfOrg(gw: TestGateway, id: number): Promise<string> {
  const tenancy = gw.app.get(TenancyService);
  while (!(await tenancy.findOrganization(id))) await tenancy.createOrganization(`org ${Date.now()}`);
  return (await tenancy.createToken(id, 'bold', ['all.Organization'])).token;
}

describe('Bold /v2/webhooks: a Bold client as it is', () => {
  let gw: TestGateway;
  let key6: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    key6 = await tokenOfOrg(gw, 6);
    for (const id of SECURE_EXAMPLE.deviceIds) await createDevice(gw, { id: String(id) }, key6);
  });
  afterAll(() => gw.stop());

  it('takes both seed requests with an API key alone (no "Bearer ")', async () => {
    const ok = await gw.http().post('/v2/webhooks').set('Authorization', key6).send(SECURE_EXAMPLE);
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body).sort()).toEqual(['id', 'secretHmac']);
    const key7 = await tokenOfOrg(gw, 7);
    const insecure = await gw.http().post('/v2/webhooks').set('Authorization', key7).send(INSECURE_EXAMPLE);
    expect(insecure.status).toBe(400);
    expect(insecure.body.code).toBe('WebhookUnsupportedProtocol');
    expect(seedHeadersOf(insecure.headers)).toEqual(SEED_HEADERS);
  });

  it("answers a CORS preflight with the seed's headers", async () => {
    const res = await gw
      .http()
      .options('/v2/webhooks')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type');
    expect(res.status).toBe(204);
    expect(seedHeadersOf(res.headers)).toEqual(SEED_HEADERS);
  });

  it("puts the seed's headers on every /v2 error: bad JSON, unknown route, bad key", async () => {
    const badJson = await gw
      .http()
      .post('/v2/webhooks')
      .set('Authorization', key6)
      .set('Content-Type', 'application/json')
      .send('{"organizationId": 6,');
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ code: 'InvalidBody', errorCode: 'InvalidBody' });
    expect(badJson.body.message).toContain('not valid JSON');
    const unknown = await gw.http().get('/v2/nothing-here').set('Authorization', key6);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'NotFound', errorCode: 'NotFound' });
    const badKey = await gw.http().post('/v2/webhooks').set('Authorization', 'not-a-key-at-all').send(SECURE_EXAMPLE);
    expect(badKey.status).toBe(401);
    for (const res of [badJson, unknown, badKey]) expect(seedHeadersOf(res.headers)).toEqual(SEED_HEADERS);
  });

  it('takes deviceGroupIds alone, and refuses unknown device ids naming them', async () => {
    const { deviceIds: _d, ...groupsOnly } = SECURE_EXAMPLE;
    const groups = await gw
      .http()
      .post('/v2/webhooks')
      .set('Authorization', key6)
      .send({ ...groupsOnly, deviceGroupIds: [12] });
    expect(groups.status).toBe(200);
    const unknown = await gw
      .http()
      .post('/v2/webhooks')
      .set('Authorization', key6)
      .send({ ...SECURE_EXAMPLE, deviceIds: [85, 404, 405] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe('deviceIds: unknown devices 404, 405');
    const neither = await gw.http().post('/v2/webhooks').set('Authorization', key6).send(groupsOnly);
    expect(neither.status).toBe(400);
    expect(neither.body.message).toContain('deviceIds or deviceGroupIds');
  });
});

describe('a Bold callback', () => {
  it('names its Bold topic and carries the hex HMAC-SHA256 of the body keyed with secretHmac', async () => {
    const rx = await startReceiver();
    const gw = await startTestGateway(DELIVERY_ENV);
    const lock = await createDevice(gw, { id: '85' });
    const sub = await gw
      .http()
      .post('/v2/webhooks')
      .set(auth())
      .send({ organizationId: 1, deviceIds: [85], webhookUrl: `${rx.url}/bold`, topics: ['DeviceTamperEvents'] })
      .expect(200);
    const c = await deviceClient(gw, lock);
    await publish(c, 'devices/85/event/tamper', 'case opened');
    const [got] = await rx.wait(1, '/bold');
    expect(JSON.parse(got.body)).toMatchObject({ topic: 'DeviceTamperEvents', deviceUdid: '85' });
    const expected = createHmac('sha256', sub.body.secretHmac).update(got.body).digest('hex');
    expect(got.headers['x-webhook-hmac-sha256']).toBe(expected);
    await endClient(c);
    await gw.stop();
    await rx.close();
  });
});

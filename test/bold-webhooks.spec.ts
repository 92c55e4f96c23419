import { Webhook as StandardWebhook } from 'standardwebhooks';
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
import { DELIVERY_ENV, matchedEvents, startReceiver, WEBHOOKS } from './support/receiver.js';

// Seed 002 (Bold, POST /v2/webhooks): the two examples' requests, and the headers every response carries.
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
const INSECURE_RESPONSE = {
  message: 'Unsupported protocol: We only support https for now.',
  code: 'WebhookUnsupportedProtocol',
  errorMessage: 'Unsupported protocol: We only support https for now.',
  errorCode: 'WebhookUnsupportedProtocol',
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

/** Organizations up to `id`, and an admin token of the last one. */
async function tokenOfOrg(gw: TestGateway, id: number): Promise<string> {
  const tenancy = gw.app.get(TenancyService);
  let org = await tenancy.findOrganization(id);
  while (!org) {
    const created = await tenancy.createOrganization(`org ${Date.now()}`);
    if (created.id === id) org = created;
  }
  return (await tenancy.createToken(id, 'bold', ['all.Organization'])).token;
}

describe("Bold's POST /v2/webhooks, replayed from the seed", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.stop());

  it("answers the secure example with {id, secretHmac} and the seed's headers", async () => {
    const token = await tokenOfOrg(gw, 6);
    // Subscribed devices must be devices of the organization.
    for (const id of SECURE_EXAMPLE.deviceIds) await createDevice(gw, { id: String(id) }, token);
    const res = await gw.http().post('/v2/webhooks').set(auth(token)).send(SECURE_EXAMPLE);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['id', 'secretHmac']);
    expect(typeof res.body.id).toBe('number');
    expect(res.body.secretHmac).toMatch(/^whsec_/);
    for (const [name, value] of Object.entries(SEED_HEADERS)) expect([name, res.headers[name]]).toEqual([name, value]);
    const w = (await gw.http().get(`${WEBHOOKS}/${res.body.id}`).set(auth(token)).expect(200)).body;
    expect(w).toMatchObject({
      trigger: 'DEVICE_EVENTS',
      url: SECURE_EXAMPLE.webhookUrl,
      httpSecret: '********',
      dataTrigger: {
        statuses: ['online', 'offline', 'utilizing', 'unplugged'],
        eventCodes: ['activation', 'deactivation', 'tamper'],
        deviceIds: ['85', '86', '87'],
      },
    });
  });

  it("answers the insecure example with exactly the seed's 400 body and headers", async () => {
    const token = await tokenOfOrg(gw, 7);
    const res = await gw.http().post('/v2/webhooks').set(auth(token)).send(INSECURE_EXAMPLE);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(INSECURE_RESPONSE);
    for (const [name, value] of Object.entries(SEED_HEADERS)) expect([name, res.headers[name]]).toEqual([name, value]);
  });

  it("answers a bad token, another organization and a bad body in Bold's error shape", async () => {
    const bad = await gw.http().post('/v2/webhooks').set(auth('not-a-token-0123456789abcdef')).send(SECURE_EXAMPLE);
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({
      message: 'Invalid authentication token',
      code: 'Unauthorized',
      errorMessage: 'Invalid authentication token',
      errorCode: 'Unauthorized',
    });
    expect(bad.headers['strict-transport-security']).toBe(SEED_HEADERS['strict-transport-security']);
    const other = await gw.http().post('/v2/webhooks').set(auth()).send(SECURE_EXAMPLE);
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('Insufficient rights');
    const topics = await gw
      .http()
      .post('/v2/webhooks')
      .set(auth())
      .send({ ...SECURE_EXAMPLE, organizationId: 1, topics: ['DoorEvents'] });
    expect(topics.status).toBe(400);
    expect(topics.body).toMatchObject({
      code: 'ValidationError',
      message: expect.stringContaining('topics must each be one of DeviceActivationEvents'),
    });
  });
});

describe('a Bold subscription delivers its topics', () => {
  it('sends status, activation and tamper events of the subscribed devices, with secretHttp and a verifiable signature', async () => {
    const rx = await startReceiver();
    const gw = await startTestGateway(DELIVERY_ENV);
    const lock = await createDevice(gw, { id: '85' });
    await createDevice(gw, { id: '86' });
    const stranger = await createDevice(gw, { id: '99' });
    const sub = (
      await gw
        .http()
        .post('/v2/webhooks')
        .set(auth())
        .send({
          organizationId: 1,
          deviceIds: [85, 86],
          secretHttp: 'PoWJFA11inptkbGz',
          webhookUrl: `${rx.url}/bold`,
          topics: ['DeviceActivationEvents', 'DeviceStatusEvents', 'DeviceTamperEvents'],
        })
        .expect(200)
    ).body;
    const s = await deviceClient(gw, stranger);
    await publish(s, 'devices/99/event/activation', '');
    const c = await deviceClient(gw, lock);
    await publish(c, 'devices/85/event/activation', 'unlocked for 5 s');
    await publish(c, 'devices/85/event/deactivation', ''); // not subscribed
    await publish(c, 'devices/85/event/tamper', 'case opened');
    const got = await rx.wait(3, '/bold');
    expect(await matchedEvents(gw, sub.id)).toBe(3); // the unsubscribed deactivation matched nothing
    expect(
      rx.received.map((r) => [
        JSON.parse(r.body).deviceUdid,
        JSON.parse(r.body).eventActivity,
        JSON.parse(r.body).data.key,
      ]),
    ).toEqual([
      ['85', 'device.status.online', null],
      ['85', 'log.event', 'activation'],
      ['85', 'log.event', 'tamper'],
    ]);
    for (const r of got) {
      expect(r.headers['x-webhook-secret']).toBe('PoWJFA11inptkbGz');
      expect(() =>
        new StandardWebhook(sub.secretHmac).verify(r.body, r.headers as Record<string, string>),
      ).not.toThrow();
    }
    await endClient(c);
    await endClient(s);
    await gw.stop();
    await rx.close();
  });
});

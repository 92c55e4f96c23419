import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  type TestGateway,
} from './support/harness.js';
import { createWebhook, DELIVERY_ENV, startReceiver, WEBHOOKS } from './support/receiver.js';
import { TenancyService } from '../src/tenancy/tenancy.service.js';

// Seed 000 (Blynk): what a user migrating from Blynk's Platform API meets first.
const TEMPLATES = '/api/v1/organization/templates';

/** The seed's update body, verbatim (its fields as the seed lists them, with the seed's example values). */
const SEED_UPDATE_BODY = {
  name: 'Updated Webhook Name',
  trigger: 'DEVICE_ADDED',
  url: 'https://example.com/webhook/{device_id}',
  method: 'POST',
  contentType: 'JSON',
  authType: 'NONE',
  status: 'ENABLED',
  failureLimit: 10,
};

describe('Blynk: API rate per organization', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ API_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => gw.stop());

  it("answers 429 with Retry-After past the org's rate, and counts each organization apart", async () => {
    for (let i = 0; i < 3; i++) await gw.http().get(WEBHOOKS).set(auth()).expect(200);
    const over = await gw.http().get(WEBHOOKS).set(auth());
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(over.body.error.code).toBe('TooManyRequests');
    const tenancy = gw.app.get(TenancyService);
    const other = await tenancy.createToken((await tenancy.createOrganization('other')).id, 'a', ['all.Organization']);
    await gw.http().get(WEBHOOKS).set(auth(other.token)).expect(200);
  });
});

describe('Blynk: webhook resource, placeholders and templates', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(DELIVERY_ENV);
  });
  afterAll(() => gw.stop());

  it("PUT with the seed's update body keeps what that body does not list", async () => {
    const user = (
      await gw
        .http()
        .post('/api/v1/organization/users')
        .set(auth())
        .send({ email: 'ops@example.com', name: 'A' })
        .expect(201)
    ).body;
    const created = await createWebhook(gw, {
      trigger: 'DEVICE_ADDED',
      url: 'https://example.com/x',
      body: '{"device_id": "{device_id}"}',
      failureReceivers: [user.id],
      headers: { 'X-Team': 'ops' },
    });
    const put = await gw.http().put(`${WEBHOOKS}/${created.id}`).set(auth()).send(SEED_UPDATE_BODY);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      ...SEED_UPDATE_BODY,
      body: '{"device_id": "{device_id}"}',
      failureReceivers: [user.id],
      headers: { 'X-Team': 'ops' },
    });
    expect((await gw.http().get(`${WEBHOOKS}/${created.id}`).set(auth())).body).toMatchObject(put.body);
  });

  it('pages the webhooks list (0-based page, size) and gives the total in X-Total-Count', async () => {
    for (let i = 0; i < 3; i++) await createWebhook(gw, { trigger: 'DEVICE_DELETED', url: 'https://example.com/p' });
    const all = (await gw.http().get(WEBHOOKS).set(auth()).expect(200)).body as { id: number }[];
    const page = await gw.http().get(`${WEBHOOKS}?page=1&size=2`).set(auth()).expect(200);
    expect(page.body.map((w: { id: number }) => w.id)).toEqual(all.slice(2, 4).map((w) => w.id));
    expect(page.headers['x-total-count']).toBe(String(all.length));
    expect((await gw.http().get(`${WEBHOOKS}?size=0`).set(auth())).status).toBe(400);
  });

  it('keeps templates (id, name, description) at /api/v1/organization/templates', async () => {
    const t = await gw.http().post(TEMPLATES).set(auth()).send({ name: 'Pump', description: 'water pumps' });
    expect(t.status).toBe(201);
    expect(t.body).toMatchObject({ id: expect.stringMatching(/^TMPL/), name: 'Pump', description: 'water pumps' });
    const list = await gw.http().get(TEMPLATES).set(auth()).expect(200);
    expect(list.body).toMatchObject({ page: 0, size: 50, total: 1, items: [{ id: t.body.id }] });
    const patched = await gw.http().patch(`${TEMPLATES}/${t.body.id}`).set(auth()).send({ name: 'Pumps' });
    expect(patched.body.name).toBe('Pumps');
    expect((await gw.http().post(TEMPLATES).set(auth()).send({ id: t.body.id, name: 'again' })).status).toBe(409);
    expect((await gw.http().delete(`${TEMPLATES}/${t.body.id}`).set(auth())).status).toBe(204);
    expect((await gw.http().get(`${TEMPLATES}/${t.body.id}`).set(auth())).status).toBe(404);
  });

  it('fills productName and orgName, and never renders invalid JSON for unfilled placeholders', async () => {
    const rx = await startReceiver();
    await gw.http().post(TEMPLATES).set(auth()).send({ id: 'TMPLPUMP', name: 'Water pump' }).expect(201);
    await createWebhook(gw, {
      trigger: 'PRODUCT_DATASTREAM_UPDATE',
      dataTrigger: { templateId: 'TMPLPUMP', dataStream: 'rpm' },
      url: `${rx.url}/ds?u={user_name}&d={device_id}`,
      body: '{"p": "{device_productName}", "o": "{device_orgName}", "v": {device_pinValue}, "u": {user_name}, "s": "x{user_email}y"}',
    });
    await createWebhook(gw, {
      trigger: 'NEW_USER',
      url: `${rx.url}/user`,
      contentType: 'URL_ENCODED_FORM',
      formBody: { org: '{user_orgName}', device: '{device_name}' },
    });
    const d = await createDevice(gw, { id: 'pump-7', templateId: 'TMPLPUMP' });
    const c = await deviceClient(gw, d);
    await publish(c, 'devices/pump-7/ds/rpm', '1200');
    const [ds] = await rx.wait(1, '/ds');
    expect(ds.path).toBe('/ds?u=&d=pump-7');
    expect(JSON.parse(ds.body)).toEqual({ p: 'Water pump', o: 'Default organization', v: 1200, u: null, s: 'xy' });
    await gw
      .http()
      .post('/api/v1/organization/users')
      .set(auth())
      .send({ email: 'new@example.com', name: 'N' })
      .expect(201);
    const [u] = await rx.wait(1, '/user');
    expect(Object.fromEntries(new URLSearchParams(u.body))).toEqual({ org: 'Default organization', device: '' });
    await endClient(c);
    await rx.close();
  });
});

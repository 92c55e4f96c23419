import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  type TestGateway,
} from './support/harness.js';
import { createWebhook, deliveries, DELIVERY_ENV, startReceiver } from './support/receiver.js';

// Blynk's orgId: a parent's all.Organization token addresses its sub-organizations with ?orgId=, never upwards
// or sideways; GLOBAL_PRODUCT_* triggers see a template's devices in sub-organizations, PRODUCT_* do not.
const ORG = '/api/v1/organization';

describe('sub-organizations', () => {
  let gw: TestGateway;
  let sub: { id: number; adminToken: string };
  let sibling: { id: number; adminToken: string };
  beforeAll(async () => {
    gw = await startTestGateway(DELIVERY_ENV);
    const make = async (name: string, query = '') =>
      (await gw.http().post(`${ORG}/organizations${query}`).set(auth()).send({ name }).expect(201)).body;
    sub = await make('Sub');
    sibling = await make('Sibling');
  });
  afterAll(() => gw.stop());

  it("lets a parent's all.Organization token address a sub-organization (and its own) on Blynk paths", async () => {
    const org = await gw.http().get(`${ORG}?orgId=${sub.id}`).set(auth()).expect(200);
    expect(org.body).toMatchObject({ id: sub.id, name: 'Sub', parentId: 1 });
    await gw
      .http()
      .post(`${ORG}/devices?orgId=${sub.id}`)
      .set(auth())
      .send({ id: 'sub-dev', name: 'in sub' })
      .expect(201);
    await gw.http().get(`${ORG}/devices/sub-dev`).set(auth(sub.adminToken)).expect(200);
    await gw.http().get(`${ORG}/devices/sub-dev`).set(auth()).expect(404);
    const hook = await createWebhook(gw, { trigger: 'DEVICE_ADDED', url: 'https://example.com/s' }, sub.adminToken);
    const list = await gw.http().get(`${ORG}/webhooks?orgId=${sub.id}`).set(auth()).expect(200);
    expect(list.body.map((w: { id: number }) => w.id)).toEqual([hook.id]);
    const grandchild = await gw
      .http()
      .post(`${ORG}/organizations?orgId=${sub.id}`)
      .set(auth())
      .send({ name: 'Grandchild' })
      .expect(201);
    const deep = await gw.http().get(`${ORG}?orgId=${grandchild.body.id}`).set(auth()).expect(200);
    expect(deep.body.parentId).toBe(sub.id);
    await gw.http().get(`${ORG}?orgId=1`).set(auth()).expect(200);
  });

  it('never upwards, sideways, to a missing org, or with a narrower token', async () => {
    const up = await gw.http().get(`${ORG}?orgId=1`).set(auth(sub.adminToken));
    expect([up.status, up.body.error.message]).toEqual([404, 'Organization not found or access denied']);
    await gw.http().get(`${ORG}?orgId=${sibling.id}`).set(auth(sub.adminToken)).expect(404);
    await gw.http().get(`${ORG}/webhooks?orgId=${sub.id}`).set(auth(sibling.adminToken)).expect(404);
    await gw.http().get(`${ORG}?orgId=999999`).set(auth()).expect(404);
    const abc = await gw.http().get(`${ORG}?orgId=abc`).set(auth());
    expect([abc.status, abc.body.error.message]).toEqual([
      400,
      'orgId must be an organization id (a whole number), not "abc"',
    ]);
    const narrow = await gw
      .http()
      .post(`${ORG}/tokens`)
      .set(auth())
      .send({ name: 'narrow', scopes: ['webhooks.*', 'organization.get'] })
      .expect(201);
    await gw.http().get(`${ORG}/webhooks?orgId=${sub.id}`).set(auth(narrow.body.token)).expect(404);
    await gw.http().get(`${ORG}/webhooks`).set(auth(narrow.body.token)).expect(200);
  });

  it("GLOBAL_PRODUCT_* sees the template's devices in sub-organizations; PRODUCT_* only the org's own", async () => {
    const rx = await startReceiver();
    await gw.http().post(`${ORG}/templates`).set(auth()).send({ id: 'TMPLSHARED', name: 'Shared' }).expect(201);
    const dataTrigger = { templateId: 'TMPLSHARED', dataStream: 't' };
    const global = await createWebhook(gw, {
      trigger: 'GLOBAL_PRODUCT_DATASTREAM_UPDATE',
      dataTrigger,
      url: `${rx.url}/global`,
    });
    const product = await createWebhook(gw, {
      trigger: 'PRODUCT_DATASTREAM_UPDATE',
      dataTrigger,
      url: `${rx.url}/own`,
    });
    const sideways = await createWebhook(
      gw,
      { trigger: 'GLOBAL_PRODUCT_DATASTREAM_UPDATE', dataTrigger, url: `${rx.url}/sibling` },
      sibling.adminToken,
    );
    const inSub = await createDevice(gw, { id: 'sub-pump', templateId: 'TMPLSHARED' }, sub.adminToken);
    const inParent = await createDevice(gw, { id: 'parent-pump', templateId: 'TMPLSHARED' });
    for (const d of [inSub, inParent]) {
      const c = await deviceClient(gw, d);
      await publish(c, `devices/${d.id}/ds/t`, '1', 1); // acknowledged once its deliveries are durable
      await endClient(c);
    }
    const devicesOf = async (id: number, token?: string) =>
      (await deliveries(gw, id, '', token)).items.map((d: { deviceId: string }) => d.deviceId).sort();
    expect(await devicesOf(global.id)).toEqual(['parent-pump', 'sub-pump']);
    expect(await devicesOf(product.id)).toEqual(['parent-pump']);
    expect(await devicesOf(sideways.id, sibling.adminToken)).toEqual([]);
    const got = await rx.wait(2, '/global');
    expect(got.map((r) => JSON.parse(r.body).deviceUdid).sort()).toEqual(['parent-pump', 'sub-pump']);
    await rx.close();
  });
});

describe('?orgId= on every Blynk path', () => {
  it('is accepted by paths whose query has other parameters too', async () => {
    const gw = await startTestGateway();
    const sub = (await gw.http().post(`${ORG}/organizations`).set(auth()).send({ name: 'S' }).expect(201)).body;
    const hook = await createWebhook(gw, { trigger: 'DEVICE_ADDED', url: 'https://example.com/q' }, sub.adminToken);
    await gw.http().get(`${ORG}/webhooks/${hook.id}/deliveries?orgId=${sub.id}&size=5`).set(auth()).expect(200);
    await gw.http().get(`${ORG}/devices?orgId=${sub.id}&size=5`).set(auth()).expect(200);
    await gw.http().get(`${ORG}/templates?orgId=${sub.id}`).set(auth()).expect(200);
    await gw.http().get(`${ORG}/inbound-webhooks?orgId=${sub.id}`).set(auth()).expect(200);
    await gw.stop();
  });
});

import type { MqttClient } from 'mqtt';
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
import { createWebhook, DELIVERY_ENV, type Receiver, startReceiver } from './support/receiver.js';

const TEMPLATES = '/api/v1/organization/templates';

/** Issue 19.3: template ids belong to their organization, and so does the name a callback reads. */
describe('templates belong to their organization', () => {
  let rx: Receiver;
  const gateways: TestGateway[] = [];
  const clients: MqttClient[] = [];
  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(async () => {
    for (const c of clients) await endClient(c);
    for (const gw of gateways) await gw.stop();
    await rx.close();
  });
  const start = async () => {
    const gw = await startTestGateway(DELIVERY_ENV);
    gateways.push(gw);
    const tenancy = gw.app.get(TenancyService);
    const org2 = await tenancy.createOrganization('Other org');
    const token2 = (await tenancy.createToken(org2.id, 'admin', ['all.Organization'])).token;
    return { gw, token2 };
  };
  /** A device of the token's org naming `templateId`, and the `device_productName` its callbacks carry. */
  async function productName(gw: TestGateway, templateId: string, token: string | undefined, path: string) {
    const device = await createDevice(gw, { templateId }, token);
    await createWebhook(
      gw,
      {
        url: `${rx.url}${path}`,
        trigger: 'DEVICE_DATASTREAM_UPDATE',
        dataTrigger: { deviceId: device.id, dataStream: 't' },
        body: '{"product": "{device_productName}", "org": "{device_orgName}"}',
      },
      token,
    );
    const client = await deviceClient(gw, device);
    clients.push(client);
    await publish(client, `devices/${device.id}/ds/t`, '1');
    const [r] = await rx.wait(1, path);
    return JSON.parse(r.body) as { product: string; org: string };
  }

  it("gives template ids per organization: the same id in two orgs, a 409 only for the org's own", async () => {
    const { gw, token2 } = await start();
    await gw.http().post(TEMPLATES).set(auth()).send({ id: 'TMPL_SAME', name: 'Mine' }).expect(201);
    await gw.http().post(TEMPLATES).set(auth(token2)).send({ id: 'TMPL_SAME', name: 'Theirs' }).expect(201);
    const again = await gw.http().post(TEMPLATES).set(auth(token2)).send({ id: 'TMPL_SAME', name: 'x' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('this organization has a template with id TMPL_SAME');
    expect((await gw.http().get(`${TEMPLATES}/TMPL_SAME`).set(auth())).body.name).toBe('Mine');
    expect((await gw.http().get(`${TEMPLATES}/TMPL_SAME`).set(auth(token2))).body.name).toBe('Theirs');
    await gw.http().patch(`${TEMPLATES}/TMPL_SAME`).set(auth(token2)).send({ name: 'Theirs 2' }).expect(200);
    await gw.http().delete(`${TEMPLATES}/TMPL_SAME`).set(auth(token2)).expect(204);
    expect((await gw.http().get(`${TEMPLATES}/TMPL_SAME`).set(auth())).body.name).toBe('Mine');
    expect((await gw.http().get(`${TEMPLATES}/TMPL_SAME`).set(auth(token2))).status).toBe(404);
  });

  it("resolves device_productName in the device's own organization only", async () => {
    const { gw, token2 } = await start();
    await gw.http().post(TEMPLATES).set(auth()).send({ id: 'TMPL_SECRET', name: 'Secret product' }).expect(201);
    await gw.http().post(TEMPLATES).set(auth()).send({ id: 'TMPL_BOTH', name: 'Mine' }).expect(201);
    await gw.http().post(TEMPLATES).set(auth(token2)).send({ id: 'TMPL_BOTH', name: 'Theirs' }).expect(201);
    // Another org's device naming our template id learns nothing of it.
    expect(await productName(gw, 'TMPL_SECRET', token2, '/other-secret')).toEqual({ product: '', org: 'Other org' });
    expect(await productName(gw, 'TMPL_BOTH', token2, '/other-both')).toMatchObject({ product: 'Theirs' });
    expect(await productName(gw, 'TMPL_BOTH', undefined, '/mine-both')).toMatchObject({ product: 'Mine' });
    expect(await productName(gw, 'TMPL_SECRET', undefined, '/mine-secret')).toMatchObject({
      product: 'Secret product',
    });
  });

  it('keeps each gateway of one process to its own template names', async () => {
    const a = (await start()).gw;
    const b = (await start()).gw;
    await a.http().post(TEMPLATES).set(auth()).send({ id: 'TMPL_GW', name: 'Name in A' }).expect(201);
    await b.http().post(TEMPLATES).set(auth()).send({ id: 'TMPL_GW', name: 'Name in B' }).expect(201);
    expect(await productName(a, 'TMPL_GW', undefined, '/gw-a')).toMatchObject({ product: 'Name in A' });
    expect(await productName(b, 'TMPL_GW', undefined, '/gw-b')).toMatchObject({ product: 'Name in B' });
  });
});

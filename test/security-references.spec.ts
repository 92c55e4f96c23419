import { TenancyService } from '../src/tenancy/tenancy.service.js';
import { auth, createDevice, startTestGateway, type TestGateway } from './support/harness.js';
import { createWebhook, DELIVERY_ENV, type Receiver, startReceiver, WEBHOOKS } from './support/receiver.js';

describe("security: request bodies cannot reference another org's devices, users or agents", () => {
  let gw: TestGateway;
  let rx: Receiver;
  let tokenB: string;
  let orgB: number;
  let deviceA: { id: string };
  let deviceB: { id: string };

  beforeAll(async () => {
    rx = await startReceiver();
    gw = await startTestGateway(DELIVERY_ENV);
    const tenancy = gw.app.get(TenancyService);
    orgB = (await tenancy.createOrganization('Org B')).id;
    tokenB = (await tenancy.createToken(orgB, 'admin', ['all.Organization'])).token;
    deviceA = await createDevice(gw, { id: '4242', name: 'Secret vault', metadata: { code: 'A-only' } });
    deviceB = await createDevice(gw, { name: 'B device' }, tokenB);
  });
  afterAll(async () => {
    await gw.stop();
    await rx.close();
  });

  const post = (body: Record<string, unknown>) =>
    gw
      .http()
      .post(WEBHOOKS)
      .set(auth(tokenB))
      .send({ name: `x${Math.random()}`, url: `${rx.url}/b`, ...body });

  it("refuses a webhook whose dataTrigger.deviceId is another org's device (400 naming the field)", async () => {
    const res = await post({
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      body: '{"name": "{device_name}", "code": "{device_metadata_code}"}',
      dataTrigger: { deviceId: deviceA.id, dataStream: 't' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      `dataTrigger.deviceId: device ${deviceA.id} is not a device of this organization`,
    );
    // Nor by PATCHing an accepted one.
    const mine = await createWebhook(
      gw,
      {
        trigger: 'DEVICE_DATASTREAM_UPDATE',
        url: `${rx.url}/b`,
        dataTrigger: { deviceId: deviceB.id, dataStream: 't' },
      },
      tokenB,
    );
    const patched = await gw
      .http()
      .patch(`${WEBHOOKS}/${mine.id}`)
      .set(auth(tokenB))
      .send({ dataTrigger: { deviceId: deviceA.id, dataStream: 't' } });
    expect(patched.status).toBe(400);
    expect(patched.body.error.message).toContain('dataTrigger.deviceId');
    // Test renders only the org's own device.
    expect((await gw.http().post(`${WEBHOOKS}/${mine.id}/test`).set(auth(tokenB))).body.delivered).toBe(true);
    expect(rx.received.map((r) => r.body).join()).not.toContain('Secret vault');
  });

  it("refuses Blynk's and Bold's deviceIds naming another org's device", async () => {
    const blynk = await post({
      trigger: 'DEVICE_EVENTS',
      dataTrigger: { statuses: ['online'], deviceIds: [deviceA.id] },
    });
    expect(blynk.status).toBe(400);
    expect(blynk.body.error.message).toContain(`dataTrigger.deviceIds: device ${deviceA.id}`);
    const bold = await gw
      .http()
      .post('/v2/webhooks')
      .set(auth(tokenB))
      .send({ organizationId: orgB, deviceIds: [4242], webhookUrl: `${rx.url}/bold`, topics: ['DeviceStatusEvents'] });
    expect(bold.status).toBe(400);
    expect(bold.body.message).toMatch(/deviceIds: unknown devices 4242/); // another org's device reads as unknown
  });

  it('refuses inbound targets, device agents and failure receivers of another org', async () => {
    const inbound = await gw
      .http()
      .post('/api/v1/organization/inbound-webhooks')
      .set(auth(tokenB))
      .send({ name: 'steal', target: { deviceId: deviceA.id } });
    expect(inbound.status).toBe(400);
    expect(inbound.body.error.message).toContain('target.deviceId');
    const agentA = (await gw.http().post('/api/v1/organization/agents').set(auth()).send({ name: 'rig A' })).body;
    const dev = await gw
      .http()
      .post('/api/v1/organization/devices')
      .set(auth(tokenB))
      .send({ name: 'x', agentId: agentA.id });
    expect(dev.status).toBe(404);
    expect(dev.body.error.message).toContain('Agent');
    const userA = (
      await gw.http().post('/api/v1/organization/users').set(auth()).send({ email: 'a@a.example', name: 'A' })
    ).body;
    const recv = await post({
      trigger: 'DEVICE_STATUS',
      dataTrigger: { statuses: ['online'] },
      failureReceivers: [userA.id],
    });
    expect(recv.status).toBe(400);
    expect(recv.body.error.message).toContain('failureReceivers');
  });
});

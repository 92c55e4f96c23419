import { auth, publish } from './support/harness.js';
import { createWebhook, type DeliveryRig, startDeliveryRig, WEBHOOKS } from './support/receiver.js';

describe('security: device-controlled values cannot break webhook requests', () => {
  let rig: DeliveryRig;
  beforeAll(async () => {
    rig = await startDeliveryRig({ device: { name: 'Pump €1' } });
  });
  afterAll(() => rig.stop());

  it('a device named "Pump €1" in a header placeholder is percent-encoded and the callback is delivered', async () => {
    const { gw, rx, client, device } = rig;
    await createWebhook(gw, {
      trigger: 'DEVICE_LOG_EVENT',
      url: `${rx.url}/named`,
      headers: { 'X-Device': '{device_name}', 'X-Desc': '{event_description}' },
      dataTrigger: { deviceId: device.id, eventCode: 'ping' },
    });
    await publish(client, `devices/${device.id}/event/ping`, 'naïve\r\nX-Injected: 1 \ud83d');
    const [r] = await rx.wait(1, '/named');
    expect(r.headers['x-device']).toBe('Pump %E2%82%AC1');
    expect(decodeURIComponent(r.headers['x-device'] as string)).toBe('Pump €1');
    expect(r.headers['x-injected']).toBeUndefined();
    expect(r.headers['x-desc']).toMatch(/^na%C3%AFve {2}X-Injected: 1/);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['a non-Latin-1 character', 'Pump €1'],
    ['DEL', 'a\u007fb'],
  ])('refuses a header value with %s at creation, naming the header', async (_what, value) => {
    const res = await rig.gw
      .http()
      .post(WEBHOOKS)
      .set(auth())
      .send({
        name: `h${Math.random()}`,
        trigger: 'DEVICE_STATUS',
        dataTrigger: { statuses: ['online', 'offline', 'utilizing', 'unplugged'] },
        url: `${rig.rx.url}/x`,
        headers: { 'X-Bad': value },
      });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('headers.X-Bad');
  });

  it.each([[{ a: 1 }], [[1, 2]]])('refuses a non-scalar condition.value %j', async (value) => {
    const res = await rig.gw
      .http()
      .post(WEBHOOKS)
      .set(auth())
      .send({
        name: `c${Math.random()}`,
        trigger: 'DEVICE_DATASTREAM_UPDATE',
        url: `${rig.rx.url}/x`,
        dataTrigger: { deviceId: rig.device.id, dataStream: 't', condition: { op: 'eq', value } },
      });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('dataTrigger.condition.value must be a scalar');
  });
});

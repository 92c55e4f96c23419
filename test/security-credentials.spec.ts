import { DELIVERY_REPOSITORY, type DeliveryRepository } from '../src/delivery/delivery.repository.js';
import { WEBHOOK_REPOSITORY, type WebhookRepository } from '../src/webhooks/webhook.repository.js';
import { auth, publish } from './support/harness.js';
import { createWebhook, deliveries, type DeliveryRig, startDeliveryRig, WEBHOOKS } from './support/receiver.js';

describe('security: credentials in custom headers and URL queries are sealed and masked', () => {
  let rig: DeliveryRig;
  beforeAll(async () => {
    rig = await startDeliveryRig();
  });
  afterAll(() => rig.stop());

  it('stores X-Api-Key and ?apikey= sealed, masks them in GETs and the delivery log, sends them in clear', async () => {
    const { gw, rx, client, device } = rig;
    const fire = () => publish(client, `devices/${device.id}/event/cred`, '');
    const w = await createWebhook(gw, {
      trigger: 'DEVICE_LOG_EVENT',
      url: `${rx.url}/cred?apikey=q-secret-456&plain=1&access_token=t-789`,
      headers: { 'X-Api-Key': 'k-secret-123', 'X-Plain': 'visible', Authorization: 'Token abc' },
      dataTrigger: { deviceId: device.id, eventCode: 'cred' },
    });
    for (const view of [w, (await gw.http().get(`${WEBHOOKS}/${w.id}`).set(auth())).body]) {
      expect(view.headers).toEqual({ 'X-Api-Key': '********', 'X-Plain': 'visible', Authorization: '********' });
      expect(view.url).toBe(`${rx.url}/cred?apikey=********&plain=1&access_token=********`);
    }
    const stored = JSON.stringify(await gw.app.get<WebhookRepository>(WEBHOOK_REPOSITORY).findById(1, w.id));
    for (const secret of ['k-secret-123', 'q-secret-456', 't-789', 'Token abc']) expect(stored).not.toContain(secret);

    await fire();
    const [r] = await rx.wait(1, '/cred');
    expect(r.path).toBe('/cred?apikey=q-secret-456&plain=1&access_token=t-789');
    expect(r.headers['x-api-key']).toBe('k-secret-123');
    expect(r.headers.authorization).toBe('Token abc');

    const log = await deliveries(gw, w.id);
    const text = JSON.stringify(log);
    for (const secret of ['k-secret-123', 'q-secret-456', 't-789', 'Token abc']) expect(text).not.toContain(secret);
    expect(log.items[0].request.headers['X-Api-Key']).toBe('********');
    const row = JSON.stringify(
      await gw.app.get<DeliveryRepository>(DELIVERY_REPOSITORY).findById(1, w.id, log.items[0].id),
    );
    expect(row).not.toContain('k-secret-123');

    // The mask sent back keeps the stored values; a new value replaces it.
    const patched = await gw
      .http()
      .patch(`${WEBHOOKS}/${w.id}`)
      .set(auth())
      .send({ headers: { 'X-Api-Key': '********', 'X-Plain': 'changed', Authorization: 'Token new' } });
    expect(patched.status).toBe(200);
    await fire();
    const [, again] = await rx.wait(2, '/cred');
    expect(again.headers['x-api-key']).toBe('k-secret-123');
    expect(again.headers['x-plain']).toBe('changed');
    expect(again.headers.authorization).toBe('Token new');
    expect(again.path).toBe('/cred?apikey=q-secret-456&plain=1&access_token=t-789');
  });
});

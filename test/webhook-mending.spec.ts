import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newDelivery } from '../src/delivery/delivery.model.js';
import { openSqlite } from '../src/storage/sqlite/sqlite.driver.js';
import { auth, publish, startTestGateway, waitFor } from './support/harness.js';
import {
  createWebhook,
  DELIVERY_ENV,
  deliveries,
  type DeliveryRig,
  startDeliveryRig,
  startReceiver,
  WEBHOOKS,
} from './support/receiver.js';

/** A loopback port nothing listens on: connections to it are refused. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

// Everything but what is made per attempt: the signature and its timestamp.
const fixedHeaders = (h: Record<string, unknown>) => {
  const { 'webhook-timestamp': _t, 'webhook-signature': _s, ...rest } = h;
  return rest;
};

describe('deliveries follow the webhook as it is now', () => {
  let rig: DeliveryRig;
  let twice = 0; // the first request to /twice fails, so the delivery is attempted a second time
  beforeAll(async () => {
    rig = await startDeliveryRig({
      env: { WEBHOOK_RETRY_SCHEDULE_MS: '0,50,50,50' },
      handler: (req) => (req.path === '/twice' && twice++ === 0 ? { status: 503 } : { status: 200, body: 'ok' }),
    });
  });
  afterAll(() => rig.stop());
  const fire = (code: string, description: string) =>
    publish(rig.client, `devices/${rig.device.id}/event/${code}`, description);
  const patch = (id: number, body: Record<string, unknown>) =>
    rig.gw.http().patch(`${WEBHOOKS}/${id}`).set(auth()).send(body).expect(200);

  it('sends held deliveries to the mended URL with their webhook-id, and a replay uses the mended webhook', async () => {
    const { gw, rx, device } = rig;
    const w = await createWebhook(gw, {
      url: `http://127.0.0.1:${await deadPort()}/gone`,
      trigger: 'DEVICE_LOG_EVENT',
      dataTrigger: { deviceId: device.id, eventCode: 'mend' },
      failureLimit: 2,
    });
    await fire('mend', 'one');
    await fire('mend', 'two');
    await waitFor(
      () =>
        gw
          .http()
          .get(`${WEBHOOKS}/${w.id}`)
          .set(auth())
          .then((r) => r.body),
      (b) => b.status === 'DISABLED_DUE_TO_ERRORS',
    );
    const held = await waitFor(
      () => deliveries(gw, w.id, '?status=held'),
      (l) => l.total === 2,
    );
    const ids = held.items.map((d: any) => d.messageId).sort();

    const mendedAt = Date.now();
    await patch(w.id, { url: `${rx.url}/mended/{device_id}`, headers: { 'x-config': 'v2' }, status: 'ENABLED' });
    const arrived = await rx.wait(2, `/mended/${device.id}`);
    expect(arrived.map((r) => r.headers['webhook-id']).sort()).toEqual(ids);
    expect(arrived.map((r) => r.headers['x-config'])).toEqual(['v2', 'v2']);
    expect(arrived.map((r) => JSON.parse(r.body).eventDescription).sort()).toEqual(['one', 'two']);
    // Kobiton's creationTime is when the callback is sent, not when the event matched.
    for (const r of arrived) expect(Date.parse(JSON.parse(r.body).creationTime)).toBeGreaterThanOrEqual(mendedAt);

    const done = await waitFor(
      () => deliveries(gw, w.id, '?status=delivered'),
      (l) => l.total === 2,
    );
    await patch(w.id, { url: `${rx.url}/replayed`, method: 'PUT' });
    const one = done.items[0];
    await gw.http().post(`${WEBHOOKS}/${w.id}/deliveries/${one.id}/replay`).set(auth()).expect(202);
    const [replayed] = await rx.wait(1, '/replayed');
    expect(replayed).toMatchObject({
      method: 'PUT',
      headers: expect.objectContaining({ 'webhook-id': one.messageId }),
    });
  });

  it('sends the same bytes on every attempt while the webhook is unchanged', async () => {
    const { gw, rx, device } = rig;
    await createWebhook(gw, {
      url: `${rx.url}/twice`,
      trigger: 'DEVICE_LOG_EVENT',
      dataTrigger: { deviceId: device.id, eventCode: 'twice' },
      headers: { 'x-device': '{device_name}' },
    });
    await fire('twice', 'same bytes');
    const [first, second] = await rx.wait(2, '/twice');
    expect(second.body).toBe(first.body);
    expect(fixedHeaders(second.headers)).toEqual(fixedHeaders(first.headers));
    expect(first.headers['webhook-id']).toBe(second.headers['webhook-id']);
  });
});

describe('per-webhook callback rate limit', () => {
  let rig: DeliveryRig;
  beforeAll(async () => {
    rig = await startDeliveryRig();
  });
  afterAll(() => rig.stop());

  it('refuses a limit below one per minute', async () => {
    const res = await rig.gw
      .http()
      .post(WEBHOOKS)
      .set(auth())
      .send({ name: 'zero', url: `${rig.rx.url}/z`, trigger: 'DEVICE_ADDED', rateLimitPerMinute: 0 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/rateLimitPerMinute must be at least 1/);
  });

  it('makes deliveries over the limit wait for their slot, never dropping them', async () => {
    const { gw, rx, device } = rig;
    const w = await createWebhook(gw, {
      url: `${rx.url}/limited`,
      trigger: 'DEVICE_LOG_EVENT',
      dataTrigger: { deviceId: device.id, eventCode: 'limited' },
      rateLimitPerMinute: 60,
    });
    expect(w.rateLimitPerMinute).toBe(60);
    for (const n of ['1', '2', '3']) await publish(rig.client, `devices/${device.id}/event/limited`, n);
    const [first] = await rx.wait(1, '/limited');
    // The two over the limit are pending, each given a slot one second after the one before.
    const waiting = await waitFor(
      () => deliveries(gw, w.id, '?status=pending'),
      (l) => l.total === 2 && l.items.every((d: any) => d.nextAttemptAt > first.at),
    );
    const slots = waiting.items.map((d: any) => d.nextAttemptAt).sort();
    expect(slots[1] - slots[0]).toBe(1000);
    const all = await rx.wait(3, '/limited', 10_000);
    expect(all[1].at - all[0].at).toBeGreaterThanOrEqual(900);
    expect(all[2].at - all[1].at).toBeGreaterThanOrEqual(900);
    expect(all.map((r) => JSON.parse(r.body).eventDescription)).toEqual(['1', '2', '3']);
  });
});

describe('rows written before deliveries followed their webhook', () => {
  it('keep their rendered body and go to the webhook as it is now', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-legacy-'));
    const rx = await startReceiver();
    let gw = await startTestGateway(DELIVERY_ENV, dir);
    const w = await createWebhook(gw, { url: `${rx.url}/now`, trigger: 'DEVICE_ADDED', headers: { 'x-now': 'yes' } });
    await gw.stop();
    const storage = openSqlite(dir);
    const now = Date.now();
    await storage.deliveries.insertMany([
      newDelivery(
        {
          orgId: 1, // the admin token's organization
          webhookId: w.id,
          messageId: 'msg_legacy_1',
          event: 'device.added',
          deviceId: 'old-device',
          matched: null,
          request: {
            method: 'POST',
            url: 'http://127.0.0.1:9/then',
            headers: { 'content-type': 'text/plain; charset=utf-8' },
            body: 'rendered when it matched',
          },
        },
        now,
      ),
    ]);
    await storage.close();
    gw = await startTestGateway(DELIVERY_ENV, dir);
    try {
      const [r] = await rx.wait(1, '/now');
      expect(r).toMatchObject({ body: 'rendered when it matched' });
      expect(r.headers).toMatchObject({
        'webhook-id': 'msg_legacy_1',
        'x-now': 'yes',
        'content-type': 'text/plain; charset=utf-8',
      });
    } finally {
      await gw.stop();
      await rx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

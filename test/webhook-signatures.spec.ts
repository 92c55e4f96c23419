import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { auth, createDevice, deviceClient, endClient, publish, startTestGateway } from './support/harness.js';
import {
  createWebhook,
  type DeliveryRig,
  DELIVERY_ENV,
  type Received,
  startDeliveryRig,
  startReceiver,
  WEBHOOKS,
} from './support/receiver.js';

// Issue 25.5: a webhook signs its callbacks the Standard Webhooks way (default) or in a header of its own, so a
// receiver that already checks another scheme keeps working. Each receiver below verifies as it would in
// production: node:crypto for the plain HMAC headers, the standardwebhooks package for the default.

/** A GitHub-style or Shopify-style receiver: HMAC-SHA256 of the raw body, compared in constant time. */
function verifiesPlain(
  r: Received,
  secret: string,
  o: { header: string; encoding: 'hex' | 'base64'; prefix?: string; timestampHeader?: string },
): boolean {
  const hmac = createHmac('sha256', secret);
  if (o.timestampHeader) hmac.update(`${String(r.headers[o.timestampHeader])}.`);
  const expected = Buffer.from(`${o.prefix ?? ''}${hmac.update(r.body).digest(o.encoding)}`);
  const sent = Buffer.from(String(r.headers[o.header] ?? ''));
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

describe('per-webhook signature option', () => {
  let rig: DeliveryRig;
  beforeAll(async () => {
    rig = await startDeliveryRig();
  });
  afterAll(() => rig.stop());

  const hook = (code: string, signature?: Record<string, unknown>) =>
    createWebhook(rig.gw, {
      trigger: 'DEVICE_LOG_EVENT',
      dataTrigger: { deviceId: rig.device.id, eventCode: code },
      url: `${rig.rx.url}/${code}`,
      ...(signature ? { signature } : {}),
    });
  const fire = (code: string, text = 'x') => publish(rig.client, `devices/${rig.device.id}/event/${code}`, text);

  it('defaults to Standard Webhooks, and says so', async () => {
    const w = await hook('std');
    expect(w.signature).toEqual({ type: 'STANDARD_WEBHOOKS' });
    await fire('std');
    const [r] = await rig.rx.wait(1, '/std');
    expect(() => new StandardWebhook(w.secret).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
  });

  it('signs in a GitHub-style header: "sha256=" + hex HMAC of the raw body, keyed with the secret as issued', async () => {
    const option = { type: 'HMAC_SHA256', header: 'X-Hub-Signature-256', prefix: 'sha256=' };
    const w = await hook('gh', option);
    expect(w.signature).toEqual({ ...option, encoding: 'hex' });
    await fire('gh', 'käse & "quotes"');
    const [r] = await rig.rx.wait(1, '/gh');
    expect(JSON.parse(r.body)).toMatchObject({ eventActivity: 'log.event' });
    expect(verifiesPlain(r, w.secret, { header: 'x-hub-signature-256', encoding: 'hex', prefix: 'sha256=' })).toBe(
      true,
    );
    // Its own scheme instead of Standard Webhooks': no webhook-signature to confuse the receiver; webhook-id
    // stays (the idempotency key across retries).
    expect(r.headers['webhook-signature']).toBeUndefined();
    expect(r.headers['webhook-timestamp']).toBeUndefined();
    expect(r.headers['webhook-id']).toMatch(/^msg_/);
    expect(verifiesPlain(r, 'whsec_another', { header: 'x-hub-signature-256', encoding: 'hex' })).toBe(false);
  });

  it('signs in base64 (Shopify-style), and with a timestamp header that the HMAC covers when asked', async () => {
    const shop = await hook('shop', { type: 'HMAC_SHA256', header: 'X-Shopify-Hmac-Sha256', encoding: 'base64' });
    const stamped = await hook('stamped', {
      type: 'HMAC_SHA256',
      header: 'X-Signature',
      timestampHeader: 'X-Signature-Timestamp',
      signTimestamp: true,
    });
    const unsigned = await hook('unsigned', {
      type: 'HMAC_SHA256',
      header: 'X-Signature',
      timestampHeader: 'X-Timestamp',
    });
    await fire('shop');
    await fire('stamped');
    await fire('unsigned');
    const [s] = await rig.rx.wait(1, '/shop');
    expect(verifiesPlain(s, shop.secret, { header: 'x-shopify-hmac-sha256', encoding: 'base64' })).toBe(true);
    const [t] = await rig.rx.wait(1, '/stamped');
    expect(String(t.headers['x-signature-timestamp'])).toMatch(/^\d{10}$/);
    const stampedOption = { header: 'x-signature', encoding: 'hex' as const };
    expect(verifiesPlain(t, stamped.secret, { ...stampedOption, timestampHeader: 'x-signature-timestamp' })).toBe(true);
    expect(verifiesPlain(t, stamped.secret, stampedOption)).toBe(false); // the timestamp is part of what is signed
    const [u] = await rig.rx.wait(1, '/unsigned');
    expect(String(u.headers['x-timestamp'])).toMatch(/^\d{10}$/);
    expect(verifiesPlain(u, unsigned.secret, { header: 'x-signature', encoding: 'hex' })).toBe(true);
  });

  it('signs with the new secret once rotated; switching back to Standard Webhooks works', async () => {
    const option = { header: 'x-hub-signature-256', encoding: 'hex' as const, prefix: 'sha256=' };
    const w = await hook('rot', { type: 'HMAC_SHA256', header: 'X-Hub-Signature-256', prefix: 'sha256=' });
    const rotated = (await rig.gw.http().post(`${WEBHOOKS}/${w.id}/secret`).set(auth()).expect(201)).body;
    await fire('rot');
    const [r] = await rig.rx.wait(1, '/rot');
    expect(verifiesPlain(r, rotated.secret, option)).toBe(true);
    expect(verifiesPlain(r, w.secret, option)).toBe(false);
    const back = await rig.gw
      .http()
      .patch(`${WEBHOOKS}/${w.id}`)
      .set(auth())
      .send({ signature: { type: 'STANDARD_WEBHOOKS' } });
    expect([back.status, back.body.signature]).toEqual([200, { type: 'STANDARD_WEBHOOKS' }]);
    await fire('rot');
    const [, r2] = await rig.rx.wait(2, '/rot');
    expect(r2.headers['x-hub-signature-256']).toBeUndefined();
    // Both secrets sign during the rotation's overlap, as before.
    for (const secret of [w.secret, rotated.secret])
      expect(() => new StandardWebhook(secret).verify(r2.body, r2.headers as Record<string, string>)).not.toThrow();
  });

  it('refuses an option that cannot work, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'HMAC_SHA256' }, 'signature.header is required for type HMAC_SHA256'],
      [{ type: 'HMAC_SHA1', header: 'X-Sig' }, 'signature.type must be one of STANDARD_WEBHOOKS, HMAC_SHA256'],
      [{ type: 'HMAC_SHA256', header: 'X-Sig', encoding: 'base32' }, 'signature.encoding must be one of hex, base64'],
      [{ type: 'HMAC_SHA256', header: 'X Sig' }, 'signature.header must be a header name'],
      [
        { type: 'HMAC_SHA256', header: 'Webhook-Signature' },
        'signature.header: Webhook-Signature is set by the gateway',
      ],
      [{ type: 'HMAC_SHA256', header: 'Content-Type' }, 'signature.header: Content-Type is set by the gateway'],
      [{ type: 'HMAC_SHA256', header: 'X-Team' }, "signature.header: X-Team is also one of the webhook's headers"],
      [{ type: 'HMAC_SHA256', header: 'X-Sig', signTimestamp: true }, 'signature.signTimestamp needs'],
      [{ type: 'HMAC_SHA256', header: 'X-Sig', timestampHeader: 'x-sig' }, 'timestampHeader must differ'],
      [{ type: 'HMAC_SHA256', header: 'X-Sig', prefix: 'has space' }, 'signature.prefix must be at most 32 visible'],
      [{ type: 'STANDARD_WEBHOOKS', header: 'X-Sig' }, 'signature.header applies to type HMAC_SHA256 only'],
    ];
    for (const [signature, message] of cases) {
      const res = await rig.gw
        .http()
        .post(WEBHOOKS)
        .set(auth())
        .send({
          name: 'bad sig',
          trigger: 'DEVICE_ADDED',
          url: 'https://example.com/x',
          headers: { 'X-Team': 'a' },
          signature,
        });
      expect([res.status, res.body.error.message]).toEqual([400, expect.stringContaining(message)]);
    }
  });
});

describe('the signature option survives a restart (SQLite file)', () => {
  it('is stored, shown and used after the gateway starts again on the same data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-sig-'));
    const rx = await startReceiver();
    let gw = await startTestGateway(DELIVERY_ENV, dir);
    const device = await createDevice(gw, { id: 'lock-1' });
    const option = { type: 'HMAC_SHA256', header: 'X-Webhook-Signature', encoding: 'base64', timestampHeader: 'X-Ts' };
    const w = await createWebhook(gw, {
      trigger: 'DEVICE_LOG_EVENT',
      dataTrigger: { deviceId: device.id, eventCode: 'tamper' },
      url: `${rx.url}/after-restart`,
      signature: option,
    });
    await gw.stop();
    gw = await startTestGateway(DELIVERY_ENV, dir);
    expect((await gw.http().get(`${WEBHOOKS}/${w.id}`).set(auth()).expect(200)).body.signature).toEqual(option);
    const c = await deviceClient(gw, device);
    await publish(c, `devices/${device.id}/event/tamper`, 'case opened');
    const [r] = await rx.wait(1, '/after-restart');
    expect(verifiesPlain(r, w.secret, { header: 'x-webhook-signature', encoding: 'base64' })).toBe(true);
    expect(String(r.headers['x-ts'])).toMatch(/^\d{10}$/);
    await endClient(c);
    await gw.stop();
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

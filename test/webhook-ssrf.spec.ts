import type { MqttClient } from 'mqtt';
import { createDevice, deviceClient, endClient, publish, startTestGateway, waitFor } from './support/harness.js';
import { createWebhook, deliveries, type Receiver, startReceiver } from './support/receiver.js';
import { WebhookCatalog } from '../src/webhooks/webhook-catalog.js';

/** A gateway, a device that fires log events, and a way to read the attempt of a webhook. */
async function setup(allowList: string) {
  const gw = await startTestGateway({
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOWED_TARGETS: allowList,
    WEBHOOK_RETRY_SCHEDULE_MS: '0',
  });
  const device = await createDevice(gw);
  const client = await deviceClient(gw, device);
  return {
    gw,
    client,
    async attempt(url: string, extra: object = {}): Promise<any> {
      const code = `c${Math.random().toString(36).slice(2, 8)}`;
      // Forbidden targets are refused at creation now; this suite tests the connect-time check that stays
      // (DNS may change after creation), so the target is set on the live webhook behind the API's back.
      const { oAuth2Request: oauth, ...rest } = extra as { oAuth2Request?: { tokenUrl: string } };
      const w = await createWebhook(gw, {
        url: 'https://93.184.216.34/hook',
        trigger: 'DEVICE_LOG_EVENT',
        dataTrigger: { deviceId: device.id, eventCode: code },
        ...rest,
        ...(oauth ? { oAuth2Request: { ...oauth, tokenUrl: 'https://93.184.216.34/token' } } : {}),
      });
      const live = gw.app.get(WebhookCatalog).get(1, w.id)!;
      live.url = url;
      if (oauth) live.oAuth2Request!.tokenUrl = oauth.tokenUrl;
      await publish(client, `devices/${device.id}/event/${code}`, '');
      const log = await waitFor(
        () => deliveries(gw, w.id),
        (l) => l.items[0]?.attempts.length === 1,
      );
      return log.items[0].attempts[0];
    },
  };
}

describe('SSRF guard: refused at connect time unless allow-listed', () => {
  let rx: Receiver;
  let strict: Awaited<ReturnType<typeof setup>>;
  let lenient: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    rx = await startReceiver((req) =>
      req.path === '/hop'
        ? { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } }
        : { status: 200 },
    );
    strict = await setup('');
    lenient = await setup('127.0.0.1');
  });
  afterAll(async () => {
    for (const s of [strict, lenient]) {
      await endClient(s.client as MqttClient);
      await s.gw.stop();
    }
    await rx.close();
  });

  it.each([
    [
      'a loopback literal',
      () => `${rx.url}/x`,
      /^ForbiddenTarget: target address 127\.0\.0\.1 is not allowed \(loopback\)/,
    ],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/', /not allowed \(linkLocal\)/],
    ['a private address', () => 'http://10.0.0.7/hook', /not allowed \(private\)/],
    ['an IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${rx.port}/x`, /not allowed \(ipv4Mapped\)/],
    [
      'a host name resolving to loopback',
      () => `http://localhost:${rx.port}/x`,
      /^ForbiddenTarget: target localhost resolves to (127\.0\.0\.1|::1), which is not allowed \(loopback\)/,
    ],
  ])('refuses %s', async (_what, url, error) => {
    const before = rx.received.length;
    const attempt = await strict.attempt(url());
    expect(attempt).toMatchObject({ statusCode: null, error: expect.stringMatching(error) });
    expect(rx.received.length).toBe(before);
  });

  it('refuses an OAuth2 token URL on a private address too', async () => {
    const attempt = await strict.attempt('https://93.184.216.34/hook', {
      authType: 'OAUTH2',
      oAuth2Request: { tokenUrl: `http://127.0.0.1:${rx.port}/token`, clientId: 'c', clientSecret: 's' },
    });
    expect(attempt.error).toMatch(/ForbiddenTarget: target address 127\.0\.0\.1 is not allowed/);
  });

  it('reaches an allow-listed address, and never follows its redirect to the metadata address', async () => {
    expect(await lenient.attempt(`${rx.url}/ok`)).toMatchObject({ statusCode: 200, error: null });
    const hop = await lenient.attempt(`${rx.url}/hop`);
    expect(hop).toMatchObject({
      statusCode: 302,
      error: 'redirect to http://169.254.169.254/latest/meta-data/ not followed',
    });
    // The allow-list opens that address only, not its range.
    expect((await lenient.attempt(`http://127.0.0.2:${rx.port}/x`)).error).toMatch(
      /ForbiddenTarget: target address 127\.0\.0\.2 is not allowed \(loopback\)/,
    );
  });
});

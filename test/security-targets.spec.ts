import { auth, startTestGateway, type TestGateway } from './support/harness.js';
import { createWebhook, WEBHOOKS } from './support/receiver.js';

describe('security: webhook URLs aimed at forbidden targets are refused at create and update', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_TARGETS: '127.0.0.1' });
  });
  afterAll(() => gw.stop());

  const post = (body: Record<string, unknown>) =>
    gw
      .http()
      .post(WEBHOOKS)
      .set(auth())
      .send({ name: `t${Math.random()}`, trigger: 'DEVICE_STATUS', dataTrigger: { statuses: ['online'] }, ...body });

  it.each([
    ['https://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['http://10.0.0.7/hook', 'private'],
    ['http://127.0.0.2:8080/x', 'loopback'],
    ['http://[::ffff:127.0.0.1]/x', 'ipv4Mapped'],
  ])('refuses %s with a 400 naming the rule', async (url, rule) => {
    const res = await post({ url });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('WebhookForbiddenTarget');
    expect(res.body.error.message).toContain(`url: target`);
    expect(res.body.error.message).toContain(`is not allowed (${rule})`);
  });

  it('refuses an OAuth2 token URL on a forbidden address, and a forbidden URL in an update', async () => {
    const oauth = await post({
      url: 'https://93.184.216.34/hook',
      authType: 'OAUTH2',
      oAuth2Request: { tokenUrl: 'http://192.168.1.1/token', clientId: 'c', clientSecret: 's' },
    });
    expect(oauth.status).toBe(400);
    expect(oauth.body.error.message).toContain('oAuth2Request.tokenUrl: target address 192.168.1.1');
    const w = await createWebhook(gw, {
      trigger: 'DEVICE_STATUS',
      dataTrigger: { statuses: ['online'] },
      url: 'http://127.0.0.1:9/allowed',
    });
    const patched = await gw.http().patch(`${WEBHOOKS}/${w.id}`).set(auth()).send({ url: 'https://169.254.169.254/x' });
    expect(patched.status).toBe(400);
    expect(patched.body.error.code).toBe('WebhookForbiddenTarget');
  });

  it('accepts allow-listed and public targets, and hosts from placeholders (checked at connect time)', async () => {
    for (const url of ['http://127.0.0.1:9/ok', 'https://93.184.216.34/ok', 'https://{device_id}.example/x'])
      expect([url, (await post({ url })).status]).toEqual([url, 201]);
  });

  it('resolves host names at creation: localhost is refused where loopback is not allow-listed', async () => {
    const strict = await startTestGateway({ WEBHOOK_ALLOW_HTTP: 'true' });
    try {
      const res = await strict
        .http()
        .post(WEBHOOKS)
        .set(auth())
        .send({
          name: 'lh',
          trigger: 'DEVICE_STATUS',
          dataTrigger: { statuses: ['online'] },
          url: 'http://localhost:9/x',
        });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^url: target localhost resolves to (127\.0\.0\.1|::1), which is not allowed \(loopback\)/,
      );
    } finally {
      await strict.stop();
    }
  });
});

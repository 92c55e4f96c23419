import { TenancyService } from '../src/tenancy/tenancy.service.js';
import { auth, startTestGateway, type TestGateway } from './support/harness.js';
import { createWebhook, DELIVERY_ENV, type Receiver, startReceiver, WEBHOOKS } from './support/receiver.js';

describe('security: OAuth2 token cache is never shared across webhooks or organizations', () => {
  let gw: TestGateway;
  let rx: Receiver;
  let otherToken: string;
  let issued = 0;

  beforeAll(async () => {
    rx = await startReceiver((req) => {
      if (req.path === '/token') {
        // Only org A's secret is good.
        if (req.headers.authorization !== `Basic ${Buffer.from('shared-client:good-secret').toString('base64')}`)
          return { status: 401, body: '{"error":"invalid_client"}' };
        issued++;
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ access_token: `org-a-token-${issued}`, expires_in: 3600 }),
        };
      }
      return { status: 200, body: 'ok' };
    });
    gw = await startTestGateway(DELIVERY_ENV);
    const tenancy = gw.app.get(TenancyService);
    const org2 = await tenancy.createOrganization('Attacker org');
    otherToken = (await tenancy.createToken(org2.id, 'admin', ['all.Organization'])).token;
  });
  afterAll(async () => {
    await gw.stop();
    await rx.close();
  });

  it("org B naming org A's token URL and client id with a wrong secret does not get org A's token", async () => {
    const hook = (token: string | undefined, path: string, secret: string) =>
      createWebhook(
        gw,
        {
          trigger: 'DEVICE_STATUS',
          dataTrigger: { statuses: ['online', 'offline', 'utilizing', 'unplugged'] },
          url: `${rx.url}${path}`,
          authType: 'OAUTH2',
          oAuth2Request: { tokenUrl: `${rx.url}/token`, clientId: 'shared-client', clientSecret: secret },
        },
        token,
      );
    const a = await hook(undefined, '/org-a', 'good-secret');
    const testA = await gw.http().post(`${WEBHOOKS}/${a.id}/test`).set(auth());
    expect(testA.body.delivered).toBe(true);
    expect((await rx.wait(1, '/org-a'))[0].headers.authorization).toBe('Bearer org-a-token-1');

    const b = await hook(otherToken, '/org-b', 'wrong-secret');
    const testB = await gw.http().post(`${WEBHOOKS}/${b.id}/test`).set(auth(otherToken));
    expect(testB.status).toBeLessThan(500);
    expect(testB.body.delivered).toBe(false);
    expect(rx.received.filter((r) => r.path === '/org-b')).toEqual([]);
    // The token endpoint was asked with B's (wrong) secret, and refused it.
    expect(rx.received.filter((r) => r.path === '/token')).toHaveLength(2);

    // Even a second webhook of org A with the same secret fetches its own token.
    const a2 = await hook(undefined, '/org-a2', 'good-secret');
    expect((await gw.http().post(`${WEBHOOKS}/${a2.id}/test`).set(auth())).body.delivered).toBe(true);
    expect((await rx.wait(1, '/org-a2'))[0].headers.authorization).toBe('Bearer org-a-token-2');
  });
});

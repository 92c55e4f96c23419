import { TenancyService } from '../src/tenancy/tenancy.service.js';
import { auth, publish } from './support/harness.js';
import { createWebhook, type DeliveryRig, startDeliveryRig, WEBHOOKS } from './support/receiver.js';

const MASK = '********';
const SLACK_PATH = '/services/T0A1B2C3D/B0E4F5G6H/aB3dE5fG7hJ9kL1mN3pQ5rS7';
const SECRETS = ['aB3dE5fG7hJ9kL1mN3pQ5rS7', 'alice:pw-777', 'q-sig-456', 'hdr-secret-1', 'bold-Zx9Qw8Er7Ty6Ui5Op'];

/**
 * Outbound webhook URLs and custom headers often carry a credential under an innocent name (a Slack-style path,
 * user:password@, ?sig=, X-Custom). A token that may not edit webhooks (no webhook.patch) reads them masked at
 * every path (ours, Bold's /v2/webhooks); one that may edit reads them whole; what a reader saw, sent back by a
 * token allowed to PUT, keeps the stored values, and deliveries still use them.
 */
describe('outbound webhook URLs and headers seen by read-only tokens', () => {
  let rig: DeliveryRig;
  let hook: Record<string, any>;
  let boldId: number;
  let url: string;
  let boldUrl: string;
  const token = async (scopes: string[]) =>
    (await rig.gw.app.get(TenancyService).createToken(1, scopes.join(' '), scopes)).token;

  beforeAll(async () => {
    rig = await startDeliveryRig({ device: { id: '85' } }); // Bold's device ids are numbers
    url = `${rig.rx.url.replace('://', '://alice:pw-777@')}${SLACK_PATH}?sig=q-sig-456&n=2#frag`;
    hook = await createWebhook(rig.gw, {
      trigger: 'DEVICE_LOG_EVENT',
      url,
      headers: { 'X-Custom': 'hdr-secret-1', Accept: 'application/json' },
      dataTrigger: { deviceId: rig.device.id, eventCode: 'ro' },
    });
    boldUrl = `${rig.rx.url}/bold/bold-Zx9Qw8Er7Ty6Ui5Op/in`;
    const bold = await rig.gw
      .http()
      .post('/v2/webhooks')
      .set(auth())
      .send({ organizationId: 1, deviceIds: [85], webhookUrl: boldUrl, topics: ['DeviceTamperEvents'] });
    expect(bold.status).toBe(200);
    boldId = (bold.body as { id: number }).id;
  });
  afterAll(() => rig.stop());

  /** The URLs and headers a token reads: our list and one, Bold's list and one. */
  async function seenBy(bearer: string) {
    const read = async (path: string) => {
      const res = await rig.gw.http().get(path).set(auth(bearer));
      expect([path, res.status]).toEqual([path, 200]);
      return res.body as any;
    };
    const ours = [(await read(WEBHOOKS)).find((w: any) => w.id === hook.id), await read(`${WEBHOOKS}/${hook.id}`)];
    const bold = [(await read('/v2/webhooks')).find((s: any) => s.id === boldId), await read(`/v2/webhooks/${boldId}`)];
    return {
      urls: ours.map((w) => w.url),
      headers: ours.map((w) => w.headers),
      boldUrls: bold.map((s) => s.webhookUrl),
      text: JSON.stringify([ours, bold]),
    };
  }

  it('masks userinfo, query values, the credential path and custom header values for read-only tokens', async () => {
    const rx = rig.rx.url.replace('http://', '');
    for (const scopes of [
      ['all.Organization.read'],
      ['webhooks.get', 'webhook.get'],
      ['webhooks.get', 'webhook.get', 'webhook.put'],
    ]) {
      const seen = await seenBy(await token(scopes));
      expect([scopes, seen.urls]).toEqual([
        scopes,
        Array(2).fill(`http://${MASK}@${rx}/services/T0A1B2C3D/B0E4F5G6H/${MASK}?sig=${MASK}&n=${MASK}#${MASK}`),
      ]);
      expect(seen.headers).toEqual(Array(2).fill({ 'X-Custom': MASK, Accept: 'application/json' }));
      expect(seen.boldUrls).toEqual(Array(2).fill(`${rig.rx.url}/bold/${MASK}/${MASK}`));
      for (const secret of SECRETS) expect([scopes, seen.text.includes(secret)]).toEqual([scopes, false]);
    }
  });

  it('shows them whole to tokens that may edit webhooks (sig is no credential name: not sealed, shown)', async () => {
    for (const scopes of [['all.Organization'], ['webhook.get', 'webhooks.get', 'webhook.patch']]) {
      const seen = await seenBy(await token(scopes));
      expect(seen.urls).toEqual(Array(2).fill(url));
      expect(seen.headers).toEqual(Array(2).fill({ 'X-Custom': 'hdr-secret-1', Accept: 'application/json' }));
      expect(seen.boldUrls).toEqual([boldUrl, boldUrl]);
    }
  });

  it('keeps the stored URL and headers when what a reader saw is sent back, and delivers with them', async () => {
    const bearer = await token(['webhooks.get', 'webhook.get', 'webhook.put']);
    const seen = (await rig.gw.http().get(`${WEBHOOKS}/${hook.id}`).set(auth(bearer))).body as any;
    const put = await rig.gw
      .http()
      .put(`${WEBHOOKS}/${hook.id}`)
      .set(auth(bearer))
      .send({ name: seen.name, trigger: seen.trigger, url: seen.url, headers: seen.headers });
    expect(put.status).toBe(200);
    const boldSeen = (await rig.gw.http().get(`/v2/webhooks/${boldId}`).set(auth(bearer))).body as any;
    const boldPut = await rig.gw.http().put(`/v2/webhooks/${boldId}`).set(auth(bearer)).send({
      organizationId: 1,
      deviceIds: boldSeen.deviceIds,
      webhookUrl: boldSeen.webhookUrl,
      topics: boldSeen.topics,
    });
    expect(boldPut.status).toBe(200);

    const admin = await seenBy(await token(['all.Organization']));
    expect(admin.urls[1]).toBe(url);
    expect(admin.headers[1]).toEqual({ 'X-Custom': 'hdr-secret-1', Accept: 'application/json' });
    expect(admin.boldUrls[1]).toBe(boldUrl);

    await publish(rig.client, `devices/${rig.device.id}/event/ro`, '');
    const [got] = await rig.rx.wait(1, SLACK_PATH);
    expect(got.path).toBe(`${SLACK_PATH}?sig=q-sig-456&n=2`);
    expect(got.headers['x-custom']).toBe('hdr-secret-1');

    // The delivery log shows each request as its webhook is shown: masked for the reader, whole for an editor.
    const log = async (scopes: string[]) => {
      const res = await rig.gw
        .http()
        .get(`${WEBHOOKS}/${hook.id}/deliveries`)
        .set(auth(await token(scopes)));
      expect(res.status).toBe(200);
      const [item] = (res.body as { items: { request: { url: string; headers: Record<string, string> } }[] }).items;
      return { request: item.request, text: JSON.stringify(res.body) };
    };
    const reader = await log(['webhooks.get', 'webhook.get']);
    expect(reader.request.url).toContain(`/services/T0A1B2C3D/B0E4F5G6H/${MASK}?sig=${MASK}`);
    expect(reader.request.headers['X-Custom']).toBe(MASK);
    for (const secret of SECRETS) expect([secret, reader.text.includes(secret)]).toEqual([secret, false]);
    const editor = await log(['all.Organization']);
    expect(editor.request.url).toContain(SLACK_PATH);
    expect(editor.request.headers['X-Custom']).toBe('hdr-secret-1');
  });
});

import type { MqttClient } from 'mqtt';
import { TenancyService } from '../src/tenancy/tenancy.service.js';
import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  startTestGateway,
  subscribe,
  type TestGateway,
  waitFor,
} from './support/harness.js';

const BASE = '/api/v1/organization/inbound-webhooks';
const MASK = '********';

/**
 * Issue 19.4: an inbound webhook's token is its URL, and whoever holds it commands the target devices. A token
 * that may only read never sees it; one that may change inbound webhooks does.
 */
describe('inbound webhook token URLs and read-only tokens', () => {
  let gw: TestGateway;
  let client: MqttClient;
  let hook: { id: string; token: string };
  let orgId: number;
  const downlinks: string[] = [];
  const token = async (scopes: string[], org = orgId) =>
    (await gw.app.get(TenancyService).createToken(org, scopes.join(' '), scopes)).token;

  beforeAll(async () => {
    gw = await startTestGateway();
    const device = await createDevice(gw, { id: 'valve-1' });
    client = await deviceClient(gw, device);
    await subscribe(client, `devices/${device.id}/downlink/#`);
    client.on('message', (topic) => downlinks.push(topic));
    const res = await gw
      .http()
      .post(BASE)
      .set(auth())
      .send({ name: 'open valve', target: { deviceId: device.id } });
    expect(res.status).toBe(201);
    hook = res.body as { id: string; token: string };
    expect(hook.token).toMatch(/^[A-Za-z0-9_-]{32}$/); // its creator sees it
    orgId = Number((res.body as { applicationId: string }).applicationId);
  });
  afterAll(async () => {
    await endClient(client);
    await gw.stop();
  });

  /** What a token reads of the webhook: through the list, by id, and at Losant's paths. */
  async function tokensSeenBy(bearer: string): Promise<string[]> {
    const read = async (path: string) => {
      const res = await gw.http().get(path).set(auth(bearer));
      expect([path, res.status]).toEqual([path, 200]);
      return res.body as { token?: string; items?: { id: string; token: string }[] };
    };
    const list = await read(BASE);
    const losantList = await read(`/applications/${orgId}/webhooks`);
    return [
      list.items!.find((w) => w.id === hook.id)!.token,
      (await read(`${BASE}/${hook.id}`)).token!,
      losantList.items!.find((w) => w.id === hook.id)!.token,
      (await read(`/applications/${orgId}/webhooks/${hook.id}`)).token!,
    ];
  }

  it('masks the token URL for read-only tokens, which cannot command the device with what they read', async () => {
    for (const scopes of [['all.Organization.read'], ['webhooks.get', 'webhook.get']]) {
      const seen = await tokensSeenBy(await token(scopes));
      expect([scopes, seen]).toEqual([scopes, [MASK, MASK, MASK, MASK]]);
      // What they read is no URL: nothing reaches the device through it.
      expect(
        (
          await gw
            .http()
            .post(`/webhooks/${encodeURIComponent(seen[0])}`)
            .send({ open: true })
        ).status,
      ).toBe(404);
    }
    expect(downlinks).toEqual([]);
  });

  it('shows the token URL to tokens that may change inbound webhooks, and it commands the device', async () => {
    for (const scopes of [
      ['all.Organization'],
      ['webhooks.get', 'webhook.*'],
      ['webhooks.get', 'webhook.get', 'webhook.patch'],
    ]) {
      const seen = await tokensSeenBy(await token(scopes));
      expect([scopes, seen]).toEqual([scopes, [hook.token, hook.token, hook.token, hook.token]]);
    }
    const updated = await gw
      .http()
      .patch(`${BASE}/${hook.id}`)
      .set(auth(await token(['webhook.patch'])))
      .send({ description: 'opens it' });
    expect(updated.body.token).toBe(hook.token);
    await gw.http().post(`/webhooks/${hook.token}`).send({ open: true }).expect(200);
    expect(
      await waitFor(
        () => downlinks,
        (d) => d.length > 0,
      ),
    ).toEqual(['devices/valve-1/downlink/webhook']);
  });

  it("never shows another organization's webhook, whatever its scopes", async () => {
    const org2 = await gw.app.get(TenancyService).createOrganization('Other org');
    const theirs = await token(['all.Organization'], org2.id);
    expect((await gw.http().get(`${BASE}/${hook.id}`).set(auth(theirs))).status).toBe(404);
    const list = (await gw.http().get(BASE).set(auth(theirs))).body as { items: { id: string }[] };
    expect(list.items.map((w) => w.id)).not.toContain(hook.id);
  });
});

import { auth, startTestGateway, type TestGateway } from './support/harness.js';
import { createWebhook, DELIVERY_ENV, startReceiver, WEBHOOKS } from './support/receiver.js';

// Seed 003 (Losant): the seed's PATCH and DELETE verbatim, and what else a Losant client meets first.
const APP = '/applications/1/webhooks';
const SEED_PATCH_BODY = { name: 'My Updated Webhook', responseCode: 201 };

describe('Losant webhooks at their own paths', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(DELIVERY_ENV);
  });
  afterAll(() => gw.stop());

  const create = async (body: Record<string, unknown>) =>
    (await gw.http().post(APP).set(auth()).send(body).expect(201)).body as Record<string, any>;

  it("takes a webhook with no target; its calls raise inbound.received only; the seed's PATCH applies", async () => {
    const rx = await startReceiver();
    const hook = await create({ name: 'No target' });
    expect(hook.target).toBeNull();
    await createWebhook(gw, {
      trigger: 'INBOUND_WEBHOOK_RECEIVED',
      dataTrigger: { inboundWebhookId: hook.id },
      url: `${rx.url}/fan-out`,
    });
    const patched = await gw.http().patch(`${APP}/${hook.id}`).set(auth()).send(SEED_PATCH_BODY);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject(SEED_PATCH_BODY);
    const call = await gw.http().post(`/webhooks/${hook.token}/x`).send({ a: 1 });
    expect([call.status, call.body]).toEqual([201, { success: true }]);
    const [fanned] = await rx.wait(1, '/fan-out');
    expect(JSON.parse(fanned.body)).toMatchObject({ eventActivity: 'inbound.received' });
    await rx.close();
  });

  it('clears basic auth with basicAuthPassword: null', async () => {
    const hook = await create({ name: 'Basic', basicAuthUsername: 'u', basicAuthPassword: 'p' });
    expect((await gw.http().post(`/webhooks/${hook.token}`).send({})).status).toBe(401);
    const cleared = await gw.http().patch(`${APP}/${hook.id}`).set(auth()).send({ basicAuthPassword: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ basicAuthUsername: null });
    expect(cleared.body.basicAuthPassword).toBeUndefined();
    expect((await gw.http().post(`/webhooks/${hook.token}`).send({})).status).toBe(200);
  });

  it("deletes with the seed's includeWorkflows=true, taking the outbound webhooks it triggers along", async () => {
    const hook = await create({ name: 'With workflows' });
    const kept = await create({ name: 'Kept' });
    const fanOut = await createWebhook(gw, {
      trigger: 'INBOUND_WEBHOOK_RECEIVED',
      dataTrigger: { inboundWebhookId: hook.id },
      url: 'https://example.com/a',
    });
    const other = await createWebhook(gw, {
      trigger: 'INBOUND_WEBHOOK_RECEIVED',
      dataTrigger: { inboundWebhookId: kept.id },
      url: 'https://example.com/b',
    });
    const del = await gw.http().delete(`${APP}/${hook.id}?includeWorkflows=true`).set(auth());
    expect([del.status, del.body]).toEqual([200, { success: true }]);
    expect((await gw.http().get(`${WEBHOOKS}/${fanOut.id}`).set(auth())).status).toBe(404);
    expect((await gw.http().get(`${WEBHOOKS}/${other.id}`).set(auth())).status).toBe(200);
    await gw.http().delete(`${APP}/${kept.id}`).set(auth()).expect(200);
    expect((await gw.http().get(`${WEBHOOKS}/${other.id}`).set(auth())).status).toBe(200);
  });

  it("accepts Losant's all.Application and all.User scopes (and their .read)", async () => {
    const token = async (scope: string) => {
      const res = await gw
        .http()
        .post('/api/v1/organization/tokens')
        .set(auth())
        .send({ name: scope, scopes: [scope] });
      expect(res.status).toBe(201);
      return res.body.token as string;
    };
    for (const scope of ['all.Application', 'all.User']) {
      const t = await token(scope);
      expect(
        (
          await gw
            .http()
            .post(APP)
            .set(auth(t))
            .send({ name: `by ${scope}` })
        ).status,
      ).toBe(201);
    }
    for (const scope of ['all.Application.read', 'all.User.read']) {
      const t = await token(scope);
      expect((await gw.http().get(APP).set(auth(t))).status).toBe(200);
      expect(
        (
          await gw
            .http()
            .post(APP)
            .set(auth(t))
            .send({ name: `by ${scope}` })
        ).status,
      ).toBe(403);
    }
  });

  it('answers every error as {type, message}: bad JSON, unknown webhook, unknown route, bad query', async () => {
    const badJson = await gw.http().post(APP).set(auth()).set('Content-Type', 'application/json').send('{"name": ');
    expect(badJson.status).toBe(400);
    expect(Object.keys(badJson.body).sort()).toEqual(['message', 'type']);
    expect(badJson.body.message).toContain('not valid JSON');
    const missing = await gw.http().get(`${APP}/575ed78e7ae143cd83dc4aab`).set(auth());
    expect([missing.status, Object.keys(missing.body).sort()]).toEqual([404, ['message', 'type']]);
    const route = await gw.http().get('/applications/1/nothing').set(auth());
    expect([route.status, Object.keys(route.body).sort()]).toEqual([404, ['message', 'type']]);
    const query = await gw.http().get(`${APP}?sortDirection=sideways`).set(auth());
    expect([query.status, query.body.type]).toEqual([400, 'Validation']);
  });

  it('takes sortDirection in any case', async () => {
    for (const name of ['alpha', 'beta']) await create({ name });
    const desc = await gw.http().get(`${APP}?sortDirection=DESC&filter=*a`).set(auth()).expect(200);
    expect(desc.body.items.map((w: { name: string }) => w.name)).toEqual(['beta', 'alpha']);
    expect(desc.body.sortDirection).toBe('desc');
  });
});

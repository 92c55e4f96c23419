import { TenancyService } from '../src/tenancy/tenancy.service.js';
import { auth, createDevice, startTestGateway, type TestGateway } from './support/harness.js';

describe('REST: tenancy, scopes, conventions', () => {
  let gw: TestGateway;
  let otherToken: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    const tenancy = gw.app.get(TenancyService);
    const org2 = await tenancy.createOrganization('Other org');
    otherToken = (await tenancy.createToken(org2.id, 'admin', ['all.Organization'])).token;
  });
  afterAll(() => gw.stop());

  it("hides another org's devices: 404 on get, patch, delete; absent from the list", async () => {
    const mine = await createDevice(gw);
    const theirs = await createDevice(gw, {}, otherToken);
    for (const req of [
      gw.http().get(`/api/v1/organization/devices/${theirs.id}`),
      gw.http().patch(`/api/v1/organization/devices/${theirs.id}`).send({ name: 'x' }),
      gw.http().delete(`/api/v1/organization/devices/${theirs.id}`),
      gw.http().post(`/api/v1/organization/devices/${theirs.id}/token`),
    ]) {
      const res = await req.set(auth());
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { message: 'Device not found or access denied', code: 'NotFound' } });
    }
    const list = await gw.http().get('/api/v1/organization/devices?size=1000').set(auth());
    expect(list.body.items.map((d: { id: string }) => d.id)).toContain(mine.id);
    expect(list.body.items.map((d: { id: string }) => d.id)).not.toContain(theirs.id);
  });

  it("honours orgId only for the token's own org", async () => {
    const org = (await gw.http().get('/api/v1/organization').set(auth())).body;
    expect((await gw.http().get(`/api/v1/organization/devices?orgId=${org.id}`).set(auth())).status).toBe(200);
    const res = await gw
      .http()
      .get(`/api/v1/organization/devices?orgId=${org.id + 1}`)
      .set(auth());
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('Organization not found or access denied');
  });

  it('answers 401 without or with a bad token, and 403 for a missing scope', async () => {
    expect((await gw.http().get('/api/v1/organization/devices')).status).toBe(401);
    expect((await gw.http().get('/api/v1/organization/devices').set(auth('gw_bad'))).body.error.code).toBe(
      'Unauthorized',
    );
    const ro = await gw
      .http()
      .post('/api/v1/organization/tokens')
      .set(auth())
      .send({ name: 'ro', scopes: ['all.Organization.read'] });
    expect(ro.status).toBe(201);
    expect(ro.body.token).toMatch(/^gw_/);
    expect((await gw.http().get('/api/v1/organization/devices').set(auth(ro.body.token))).status).toBe(200);
    const denied = await gw.http().post('/api/v1/organization/devices').set(auth(ro.body.token)).send({ name: 'x' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe('token lacks scope devices.post');
    const listed = await gw.http().get('/api/v1/organization/tokens').set(auth());
    expect(listed.body.total).toBeGreaterThan(0);
    expect(
      listed.body.items.every((t: Record<string, unknown>) => t.token === undefined && t.tokenHash === undefined),
    ).toBe(true);
  });

  it('names the field and the rule in a 400', async () => {
    const res = await gw
      .http()
      .post('/api/v1/organization/devices')
      .set(auth())
      .send({ name: 'x', type: 'SECRET', id: 'bad id!' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ValidationError');
    expect(res.body.error.message).toContain('type must be one of PRIVATE, LOCAL, PUBLIC');
    expect(res.body.error.message).toContain('id must match [A-Za-z0-9._:-]{1,64}');
    const unknown = await gw.http().post('/api/v1/organization/devices').set(auth()).send({ name: 'x', colour: 'red' });
    expect(unknown.body.error.message).toBe('property colour should not exist');
    const scope = await gw
      .http()
      .post('/api/v1/organization/tokens')
      .set(auth())
      .send({ name: 't', scopes: ['everything'] });
    expect(scope.status).toBe(400);
  });

  it('creates 201, deletes 204, rejects a taken id 409, pages and filters the list', async () => {
    const d = await createDevice(gw, { id: 'rest-dev-1', type: 'PUBLIC', templateId: 'tpl-a' });
    expect(
      (await gw.http().post('/api/v1/organization/devices').set(auth()).send({ id: d.id, name: 'dup' })).status,
    ).toBe(409);
    await createDevice(gw, { type: 'PUBLIC', templateId: 'tpl-a' });
    const page = await gw.http().get('/api/v1/organization/devices?templateId=tpl-a&size=1&page=1').set(auth());
    expect(page.body).toMatchObject({ page: 1, size: 1, total: 2 });
    expect(page.body.items).toHaveLength(1);
    const patched = await gw
      .http()
      .patch(`/api/v1/organization/devices/${d.id}`)
      .set(auth())
      .send({ name: 'renamed', metadata: { floor: 2 } });
    expect(patched.body).toMatchObject({ name: 'renamed', metadata: { floor: 2 } });
    expect((await gw.http().delete(`/api/v1/organization/devices/${d.id}`).set(auth())).status).toBe(204);
    expect((await gw.http().get(`/api/v1/organization/devices/${d.id}`).set(auth())).status).toBe(404);
  });

  it('manages users of the org', async () => {
    const u = await gw
      .http()
      .post('/api/v1/organization/users')
      .set(auth())
      .send({ email: 'ops@example.com', name: 'Ops' });
    expect(u.status).toBe(201);
    expect(
      (await gw.http().post('/api/v1/organization/users').set(auth()).send({ email: 'ops@example.com', name: 'Ops' }))
        .status,
    ).toBe(409);
    expect((await gw.http().get(`/api/v1/organization/users/${u.body.id}`).set(auth(otherToken))).status).toBe(404);
    expect(
      (await gw.http().post('/api/v1/organization/users').set(auth()).send({ email: 'nope', name: 'x' })).body.error
        .message,
    ).toBe('email must be an e-mail address');
  });

  it('serves /health, /metrics and the OpenAPI document', async () => {
    expect((await gw.http().get('/health')).body).toMatchObject({ status: 'ok', storage: 'sqlite' });
    const metrics = await gw.http().get('/metrics');
    expect(metrics.text).toContain('gateway_presence_transitions_total');
    expect(metrics.text).toContain('gateway_mqtt_connections');
    const doc = await gw.http().get('/docs-json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toContain('/api/v1/organization/devices/{id}');
    expect((await gw.http().get('/docs')).status).toBe(200);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TenancyService } from '../src/tenancy/tenancy.service.js';
import { auth, startTestGateway, type TestGateway } from './support/harness.js';

const BASE = '/api/v1/organization/webhooks';
const minimal = {
  name: 'Status hook',
  trigger: 'DEVICE_STATUS',
  dataTrigger: { statuses: ['online', 'offline'] },
  url: 'https://hooks.example.com/in/{device_id}',
};

describe('webhook management API (Blynk resource)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.stop());

  const post = (body: object, token?: string) => gw.http().post(BASE).set(auth(token)).send(body);

  it('creates with Blynk defaults, shows the whsec_ secret once, and keeps it encrypted at rest', async () => {
    const res = await post({ ...minimal, description: 'Kobiton-style status hook' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Status hook',
      trigger: 'DEVICE_STATUS',
      method: 'POST',
      contentType: 'JSON',
      authType: 'NONE',
      status: 'ENABLED',
      failureLimit: 10,
      attemptCount: 0,
      failureReceivers: [],
      lastTriggeredTs: null,
    });
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    expect(typeof res.body.id).toBe('number');
    expect(typeof res.body.createdAt).toBe('number');
    const again = await gw.http().get(`${BASE}/${res.body.id}`).set(auth());
    expect(again.body.secret).toBeUndefined();
    expect(again.body.previousSecret).toBeUndefined();
    const db =
      readFileSync(join(gw.dataDir, 'gateway.db-wal')).toString('latin1') +
      readFileSync(join(gw.dataDir, 'gateway.db')).toString('latin1');
    expect(db).toContain('Kobiton-style status hook'); // the file is the right one...
    expect(db).not.toContain(res.body.secret.slice(6, 30)); // ...and the secret is not in it
  });

  it("enforces Kobiton's and Blynk's limits, naming the field", async () => {
    const cases: [object, number, string][] = [
      [{ ...minimal, name: 'x'.repeat(51) }, 400, 'name must be 1 to 50 characters'],
      [
        { ...minimal, name: 'long url', url: `https://a.example/${'x'.repeat(500)}` },
        400,
        'url must be at most 512 characters',
      ],
      [{ ...minimal, name: 'desc', description: 'd'.repeat(513) }, 400, 'description must be at most 512 characters'],
      [{ ...minimal, name: 'body', body: 'b'.repeat(1025) }, 400, 'body must be at most 1024 characters'],
      [{ ...minimal, name: 'trig', trigger: 'SOMETHING' }, 400, 'trigger must be one of'],
      [{ ...minimal, name: 'ftp', url: 'ftp://x.example/' }, 400, 'url must use http or https'],
      [
        { ...minimal, name: 'ds', trigger: 'DEVICE_DATASTREAM_UPDATE', dataTrigger: undefined },
        400,
        'dataTrigger is required for DEVICE_DATASTREAM_UPDATE',
      ],
      [
        { ...minimal, name: 'ds2', trigger: 'DEVICE_DATASTREAM_UPDATE', dataTrigger: { deviceId: 'd1' } },
        400,
        'dataTrigger.dataStream is required',
      ],
      [
        { ...minimal, name: 'le', trigger: 'PRODUCT_LOG_EVENT', dataTrigger: { eventCode: 'tamper' } },
        400,
        'dataTrigger.templateId is required',
      ],
      [
        {
          ...minimal,
          name: 'cond',
          trigger: 'DEVICE_DATASTREAM_UPDATE',
          dataTrigger: { deviceId: 'd', dataStream: 't', condition: { op: 'between', value: 5, value2: 1 } },
        },
        400,
        'value2 must be a number not below value',
      ],
      [
        { ...minimal, name: 'hdr', headers: { 'webhook-signature': 'x' } },
        400,
        'headers.webhook-signature is set by the gateway',
      ],
      [{ ...minimal, name: 'basic', authType: 'BASIC' }, 400, 'basicAuth {username, password} is required'],
      [
        { ...minimal, name: 'recv', failureReceivers: [424242] },
        400,
        'failureReceivers: user 424242 is not a user of this organization',
      ],
      [
        { ...minimal, name: 'recv11', failureReceivers: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
        400,
        'failureReceivers must have at most 10 user ids',
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await post(body);
      expect([message, res.status]).toEqual([message, status]);
      expect(res.body.error.message).toContain(message);
    }
  });

  it('answers a plain-http URL with code WebhookUnsupportedProtocol unless WEBHOOK_ALLOW_HTTP=true', async () => {
    const res = await post({ ...minimal, name: 'plain', url: 'http://hooks.example.com/x' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('WebhookUnsupportedProtocol');
    const open = await startTestGateway({ WEBHOOK_ALLOW_HTTP: 'true' });
    try {
      expect(
        (
          await open
            .http()
            .post(BASE)
            .set(auth())
            .send({ ...minimal, url: 'http://93.184.216.34/x' })
        ).status,
      ).toBe(201);
    } finally {
      await open.stop();
    }
  });

  it('keeps names unique per org, case-sensitively', async () => {
    expect((await post({ ...minimal, name: 'Unique' })).status).toBe(201);
    expect((await post({ ...minimal, name: 'Unique' })).status).toBe(409);
    expect((await post({ ...minimal, name: 'unique' })).status).toBe(201);
    const other = await gw.app
      .get(TenancyService)
      .createToken((await gw.app.get(TenancyService).createOrganization('o2')).id, 'a', ['all.Organization']);
    expect((await post({ ...minimal, name: 'Unique' }, other.token)).status).toBe(201);
  });

  it('updates with PUT (Blynk: unlisted fields kept) and PATCH (partial); ignores DISABLED_DUE_TO_ERRORS; lists; deletes 204', async () => {
    const user = await gw
      .http()
      .post('/api/v1/organization/users')
      .set(auth())
      .send({ email: 'ops2@example.com', name: 'Ops' });
    const created = (
      await post({ ...minimal, name: 'Editable', body: '{"id":"{device_id}"}', failureReceivers: [user.body.id] })
    ).body;
    const patched = await gw
      .http()
      .patch(`${BASE}/${created.id}`)
      .set(auth())
      .send({ failureLimit: 3, status: 'DISABLED_DUE_TO_ERRORS' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      failureLimit: 3,
      status: 'ENABLED',
      body: '{"id":"{device_id}"}',
      failureReceivers: [user.body.id],
    });
    expect(patched.body.lastModifiedTs).toBeGreaterThanOrEqual(created.lastModifiedTs);
    expect(
      (await gw.http().put(`${BASE}/${created.id}`).set(auth()).send({ failureLimit: 3 })).body.error.message,
    ).toBe('name is required in a full update (PUT)');
    const put = await gw
      .http()
      .put(`${BASE}/${created.id}`)
      .set(auth())
      .send({ name: 'Editable', trigger: 'DEVICE_ADDED', url: 'https://x.example/', status: 'DISABLED' });
    expect(put.body).toMatchObject({
      trigger: 'DEVICE_ADDED',
      body: '{"id":"{device_id}"}',
      failureLimit: 3,
      failureReceivers: [user.body.id],
      status: 'DISABLED',
    });
    const list = await gw.http().get(`${BASE}?orgId=1`).set(auth());
    expect(list.body.map((w: { name: string }) => w.name)).toContain('Editable');
    expect(list.body.every((w: { secret?: string }) => w.secret === undefined)).toBe(true);
    expect((await gw.http().delete(`${BASE}/${created.id}`).set(auth())).status).toBe(204);
    expect((await gw.http().get(`${BASE}/${created.id}`).set(auth())).body).toEqual({
      error: { message: 'Webhook not found or access denied', code: 'NotFound' },
    });
  });

  it('masks credentials in responses and keeps them when the mask is sent back', async () => {
    const created = await post({
      ...minimal,
      name: 'OAuth',
      authType: 'OAUTH2',
      oAuth2Request: { tokenUrl: 'https://auth.example/token', clientId: 'cid', clientSecret: 'super-secret-value' },
    });
    expect(created.status).toBe(201);
    expect(created.body.oAuth2Request).toEqual({
      tokenUrl: 'https://auth.example/token',
      clientId: 'cid',
      clientSecret: '********',
    });
    const put = await gw
      .http()
      .put(`${BASE}/${created.body.id}`)
      .set(auth())
      .send({ ...minimal, name: 'OAuth', authType: 'OAUTH2', oAuth2Request: created.body.oAuth2Request });
    expect(put.status).toBe(200);
    const bearer = await post({ ...minimal, name: 'Bearer', authType: 'BEARER', bearerToken: 'tok-123' });
    expect(bearer.body.bearerToken).toBe('********');
  });

  it('rotates the signing secret, showing the new one once', async () => {
    const created = (await post({ ...minimal, name: 'Rotating' })).body;
    const rotated = await gw.http().post(`${BASE}/${created.id}/secret`).set(auth());
    expect(rotated.status).toBe(201);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect(rotated.body.previousSecretExpiresAt - Date.now()).toBeGreaterThan(23.9 * 3600 * 1000);
  });

  it('enforces webhook scopes', async () => {
    const ro = await gw.app.get(TenancyService).createToken(1, 'ro', ['webhooks.get', 'webhook.get']);
    expect((await gw.http().get(BASE).set(auth(ro.token))).status).toBe(200);
    expect((await post({ ...minimal, name: 'nope' }, ro.token)).status).toBe(403);
  });
});

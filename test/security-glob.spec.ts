import { auth, startTestGateway, type TestGateway } from './support/harness.js';

const BASE = '/api/v1/organization/inbound-webhooks';

describe("security: Losant's glob filter runs in bounded time", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
    await gw
      .http()
      .post(BASE)
      .set(auth())
      .send({ name: 'a'.repeat(255), target: { topic: 'x' } })
      .expect(201);
    await gw
      .http()
      .post(BASE)
      .set(auth())
      .send({ name: `${'a'.repeat(200)}c`, target: { topic: 'y' } })
      .expect(201);
  });
  afterAll(() => gw.stop());

  it('answers *a*a*a*a*…c on a 255-character name at once (a regex would stall the event loop)', async () => {
    const filter = encodeURIComponent('*a*a*a*a*a*a*a*a*a*a*a*a*c');
    const res = await gw.http().get(`${BASE}?filterField=name&filter=${filter}`).set(auth()).expect(200);
    expect(res.body.items.map((w: { name: string }) => w.name)).toEqual([`${'a'.repeat(200)}c`]);
    // The server kept serving meanwhile.
    await gw.http().get('/health').expect(200);
  });

  it('refuses a filter over 255 characters with a 400 naming it', async () => {
    const res = await gw
      .http()
      .get(`${BASE}?filter=${'*'.repeat(256)}`)
      .set(auth());
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('filter');
  });
});

import { TenancyService } from '../src/tenancy/tenancy.service.js';
import { auth, startTestGateway, type TestGateway } from './support/harness.js';

describe('security: a token creates only tokens within its own scopes', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.stop());

  const mint = (token: string, scopes: string[]) =>
    gw.http().post('/api/v1/organization/tokens').set(auth(token)).send({ name: 'minted', scopes });

  it('a token holding only tokens.post cannot mint all.Organization or anything it lacks', async () => {
    const { token } = await gw.app.get(TenancyService).createToken(1, 'narrow', ['tokens.post']);
    for (const scopes of [['all.Organization'], ['all.Organization.read'], ['devices.get'], ['mqtt.*'], ['tokens.*']]) {
      const res = await mint(token, scopes);
      expect([scopes, res.status]).toEqual([scopes, 403]);
      expect(res.body.error.message).toContain(scopes[0]);
    }
    expect((await mint(token, ['tokens.post'])).status).toBe(201);
  });

  it('a read-only token with tokens.post may mint reads, not writes or MQTT', async () => {
    const { token } = await gw.app.get(TenancyService).createToken(1, 'ro', ['all.Organization.read', 'tokens.post']);
    expect((await mint(token, ['devices.get', 'all.Organization.read'])).status).toBe(201);
    for (const scopes of [['devices.post'], ['devices.*'], ['mqtt.*'], ['devices.get', 'all.Organization']])
      expect([scopes, (await mint(token, scopes)).status]).toEqual([scopes, 403]);
    // all.Organization may mint anything.
    expect((await mint('test-admin-token-0123456789abcdef', ['all.Organization'])).status).toBe(201);
  });
});

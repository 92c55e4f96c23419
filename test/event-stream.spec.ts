import {
  ADMIN_TOKEN,
  auth,
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  type TestGateway,
} from './support/harness.js';
import { eventsOf, openEventStream, type SseClient } from './support/event-stream-client.js';

describe('GET /api/v1/organization/events (Server-Sent Events)', () => {
  let gw: TestGateway;
  let base: string;
  const open: SseClient[] = [];
  const stream = async (token: string | null, query = '', headers: Record<string, string> = {}) => {
    const s = await openEventStream(base, token, query, headers);
    open.push(s);
    return s;
  };
  beforeAll(async () => {
    gw = await startTestGateway();
    base = `http://127.0.0.1:${gw.httpPort}`;
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  afterAll(() => gw.stop());

  it('streams the org’s device events as they happen, as text/event-stream with ids', async () => {
    const s = await stream(ADMIN_TOKEN);
    expect(s.status).toBe(200);
    const d = await createDevice(gw, { name: 'streamed' });
    const c = await deviceClient(gw, d);
    await publish(c, `devices/${d.id}/ds/temperature`, '21.5');
    const got = await s.until((m) => eventsOf(m).some((e) => e.kind === 'datastream.update' && e.deviceId === d.id));
    const mine = eventsOf(got).filter((e) => e.deviceId === d.id);
    expect(mine.map((e) => e.kind)).toEqual([
      'device.added',
      'device.first_connection',
      'device.status.online',
      'datastream.update',
    ]);
    expect(mine[3]).toMatchObject({ key: 'temperature', value: 21.5, orgId: 1 });
    const ids = mine.map((e) => e.id as number);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(got.filter((m) => m.id).every((m) => Number(m.id) === JSON.parse(m.data).id)).toBe(true);
    await endClient(c);
  });

  it('never shows organization B another organization’s events', async () => {
    const orgB = (
      await gw.http().post('/api/v1/organization/organizations').set(auth()).send({ name: 'Org B' }).expect(201)
    ).body as { id: number; adminToken: string };
    const a = await stream(ADMIN_TOKEN);
    const b = await stream(orgB.adminToken);
    const inA = await createDevice(gw, { name: 'in A' });
    const ca = await deviceClient(gw, inA);
    await publish(ca, `devices/${inA.id}/ds/secret`, '42');
    await a.until((m) => eventsOf(m).some((e) => e.deviceId === inA.id && e.kind === 'datastream.update'));
    // Events reach streams in the order they happen: once B sees its own later event, any leak would be in.
    const inB = await createDevice(gw, { name: 'in B' }, orgB.adminToken);
    const seenByB = eventsOf(await b.until((m) => eventsOf(m).some((e) => e.deviceId === inB.id)));
    expect(seenByB.length).toBeGreaterThan(0);
    expect(seenByB.every((e) => e.orgId === orgB.id)).toBe(true);
    expect(eventsOf(a.messages).some((e) => e.deviceId === inB.id)).toBe(false);
    await endClient(ca);
  });

  it('filters by kind (exact or prefix) and by device', async () => {
    const d1 = await createDevice(gw);
    const d2 = await createDevice(gw);
    const byKind = await stream(ADMIN_TOKEN, `?kind=datastream.update&deviceId=${d1.id}`);
    const byPrefix = await stream(ADMIN_TOKEN, `?kind=device.status.*,log.event&deviceId=${d1.id},${d2.id}`);
    const [c1, c2] = [await deviceClient(gw, d1), await deviceClient(gw, d2)];
    await publish(c2, `devices/${d2.id}/ds/level`, '1');
    await publish(c1, `devices/${d1.id}/event/door`, 'open');
    await publish(c1, `devices/${d1.id}/ds/level`, '2');
    await publish(c1, `devices/${d1.id}/ds/level`, '3');
    const kinds = eventsOf(await byKind.until((m) => eventsOf(m).some((e) => e.value === 3)));
    expect(kinds.map((e) => [e.deviceId, e.kind, e.value])).toEqual([
      [d1.id, 'datastream.update', 2],
      [d1.id, 'datastream.update', 3],
    ]);
    await endClient(c2);
    const prefixed = eventsOf(
      await byPrefix.until((m) => eventsOf(m).some((e) => e.deviceId === d2.id && e.kind === 'device.status.offline')),
    );
    expect(new Set(prefixed.map((e) => e.kind))).toEqual(
      new Set(['device.status.online', 'log.event', 'device.status.offline']),
    );
    expect(prefixed.every((e) => e.deviceId === d1.id || e.deviceId === d2.id)).toBe(true);
    await endClient(c1);
  });

  it('sends heartbeat comments at the asked interval', async () => {
    const s = await stream(ADMIN_TOKEN, '?heartbeat=1000&deviceId=nobody');
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (s.comments.some((c) => c.startsWith('heartbeat'))) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    expect(s.messages).toEqual([]);
  });

  it('resumes after Last-Event-ID with what was missed, in order, without repeats', async () => {
    const d = await createDevice(gw);
    const first = await stream(ADMIN_TOKEN, `?deviceId=${d.id}&kind=datastream.update`);
    const c = await deviceClient(gw, d);
    await publish(c, `devices/${d.id}/ds/n`, '1');
    await publish(c, `devices/${d.id}/ds/n`, '2');
    const seen = eventsOf(await first.until((m) => eventsOf(m).length === 2));
    first.close();
    for (const n of [3, 4, 5]) await publish(c, `devices/${d.id}/ds/n`, String(n));
    const resumed = await stream(ADMIN_TOKEN, `?deviceId=${d.id}&kind=datastream.update`, {
      'Last-Event-ID': String(seen[1].id),
    });
    await publish(c, `devices/${d.id}/ds/n`, '6');
    const values = eventsOf(await resumed.until((m) => eventsOf(m).some((e) => e.value === 6))).map((e) => e.value);
    expect(values).toEqual([3, 4, 5, 6]);
    await endClient(c);
  });

  it('refuses a missing token, a token in the query string, bad filters and a bad Last-Event-ID', async () => {
    expect((await stream(null)).status).toBe(401);
    expect((await stream(null, `?token=${ADMIN_TOKEN}`)).status).toBe(401);
    expect((await stream(null, `?access_token=${ADMIN_TOKEN}`)).status).toBe(401);
    const bad = await gw.http().get('/api/v1/organization/events?kind=device.exploded').set(auth());
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/kind "device.exploded" is not an event kind/);
    const beat = await gw.http().get('/api/v1/organization/events?heartbeat=5').set(auth());
    expect(beat.body.error.message).toMatch(/heartbeat must be/);
    const id = await gw.http().get('/api/v1/organization/events').set(auth()).set('Last-Event-ID', 'abc');
    expect(id.body.error.message).toMatch(/Last-Event-ID/);
    const tokens = await gw
      .http()
      .post('/api/v1/organization/tokens')
      .set(auth())
      .send({ name: 'devices only', scopes: ['devices.get'] });
    expect((await stream(tokens.body.token)).status).toBe(403);
  });

  it('answers GET /tokens/current with the token’s org, name and scopes, whatever its scopes', async () => {
    const created = await gw
      .http()
      .post('/api/v1/organization/tokens')
      .set(auth())
      .send({ name: 'reader', scopes: ['all.Organization.read'] });
    const me = await gw.http().get('/api/v1/organization/tokens/current').set(auth(created.body.token)).expect(200);
    expect(me.body).toEqual({ id: created.body.id, orgId: 1, name: 'reader', scopes: ['all.Organization.read'] });
    const narrow = await gw
      .http()
      .post('/api/v1/organization/tokens')
      .set(auth())
      .send({ name: 'narrow', scopes: ['devices.get'] });
    expect(
      (await gw.http().get('/api/v1/organization/tokens/current').set(auth(narrow.body.token)).expect(200)).body.scopes,
    ).toEqual(['devices.get']);
    await gw.http().get('/api/v1/organization/tokens/current').set(auth('nope')).expect(401);
  });
});

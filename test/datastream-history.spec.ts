import type { MqttClient } from 'mqtt';
import {
  DATASTREAM_HISTORY_REPOSITORY,
  type DatastreamHistoryRepository,
} from '../src/devices/history/history.repository.js';
import { HistoryPruner } from '../src/devices/history/history-pruner.js';
import { TenancyService } from '../src/tenancy/tenancy.service.js';
import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  type TestGateway,
  waitFor,
} from './support/harness.js';
import { dropDatabase, mongoTestUri } from './support/mongo.js';
import { describeWith } from './support/requirements.js';

const DAY = 86_400_000;
const historyOf = (gw: TestGateway, id: string, name: string, query = '', token?: string) =>
  gw.http().get(`/api/v1/organization/devices/${id}/datastreams/${name}/history${query}`).set(auth(token));

/** Waits until the datastream's history holds `n` values (written behind every 20 ms in tests). */
async function pointsOf(gw: TestGateway, id: string, name: string, n: number) {
  const res = await waitFor(
    () => historyOf(gw, id, name),
    (r) => r.status === 200 && r.body.points.length >= n,
  );
  return res.body as { points: { ts: number; value: unknown }[]; truncated: boolean; from: number; to: number };
}

/** A device with a connected MQTT client that published `values` to ds/{name} one by one (QoS 1, acked). */
async function deviceWithValues(gw: TestGateway, name: string, values: string[]) {
  const d = await createDevice(gw);
  const client = await deviceClient(gw, d);
  try {
    for (const v of values) await publish(client, `devices/${d.id}/ds/${name}`, v);
  } finally {
    await endClient(client);
  }
  return d;
}

describe('datastream history over REST (SQLite)', () => {
  let gw: TestGateway;
  let otherToken: string;
  beforeAll(async () => {
    gw = await startTestGateway({ HISTORY_MAX_AGE_DAYS: '30', HISTORY_MAX_POINTS_PER_DATASTREAM: '1000' });
    const tenancy = gw.app.get(TenancyService);
    const org2 = await tenancy.createOrganization('Other org');
    otherToken = (await tenancy.createToken(org2.id, 'admin', ['all.Organization'])).token;
  });
  afterAll(() => gw.stop());

  it('keeps every value of ds and batch messages, in order, as stored', async () => {
    const d = await createDevice(gw);
    const client: MqttClient = await deviceClient(gw, d);
    try {
      await publish(client, `devices/${d.id}/ds/temp`, '20.5');
      await publish(client, `devices/${d.id}/batch`, JSON.stringify({ temp: 21, mode: 'eco', cfg: { a: [1] } }));
      await publish(client, `devices/${d.id}/ds/temp`, '22');
      await publish(client, `devices/${d.id}/ds/mode`, 'boost');
    } finally {
      await endClient(client);
    }
    const temp = await pointsOf(gw, d.id, 'temp', 3);
    expect(temp.points.map((p) => p.value)).toEqual([20.5, 21, 22]);
    expect(temp.points.map((p) => p.ts)).toEqual([...temp.points.map((p) => p.ts)].sort((a, b) => a - b));
    expect(temp.truncated).toBe(false);
    expect(temp.to - temp.from).toBe(DAY); // the default window: the last 24 h
    expect((await pointsOf(gw, d.id, 'mode', 2)).points.map((p) => p.value)).toEqual(['eco', 'boost']);
    const cfg = await pointsOf(gw, d.id, 'cfg', 1);
    expect(cfg.points[0].value).toEqual({ a: [1] });
    const res = await historyOf(gw, d.id, 'temp');
    expect(res.body).toMatchObject({ deviceId: d.id, datastream: 'temp' });
  });

  it('returns the most recent `limit` values of a window, ascending, and says it truncated', async () => {
    const d = await deviceWithValues(gw, 'n', ['1', '2', '3', '4', '5']);
    const all = await pointsOf(gw, d.id, 'n', 5);
    const res = await historyOf(gw, d.id, 'n', '?limit=2');
    expect(res.body.points.map((p: { value: number }) => p.value)).toEqual([4, 5]);
    expect(res.body.truncated).toBe(true);
    // A window in ISO 8601 that holds the second to fourth value only.
    const [from, to] = [new Date(all.points[1].ts).toISOString(), all.points[3].ts];
    const mid = await historyOf(gw, d.id, 'n', `?from=${from}&to=${to}`);
    expect(mid.status).toBe(200);
    expect(mid.body.points.map((p: { value: number }) => p.value)).toEqual(
      all.points.filter((p) => p.ts >= all.points[1].ts && p.ts <= to).map((p) => p.value),
    );
    expect(mid.body.from).toBe(all.points[1].ts);
  });

  it('answers 200 with no points for a datastream without history, 404 naming an unknown device', async () => {
    const d = await createDevice(gw);
    const empty = await historyOf(gw, d.id, 'nothing');
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ points: [], truncated: false });
    const missing = await historyOf(gw, 'no-such-device', 'temp');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('Device no-such-device not found or access denied');
  });

  it("hides another organization's device: its token gets 404", async () => {
    const d = await deviceWithValues(gw, 'secret', ['1']);
    await pointsOf(gw, d.id, 'secret', 1);
    const res = await historyOf(gw, d.id, 'secret', '', otherToken);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NotFound');
  });

  it('downsamples into buckets: min, max, avg over numbers, count over all values', async () => {
    const d = await deviceWithValues(gw, 'b', ['10', '30', 'text', '20']);
    await pointsOf(gw, d.id, 'b', 4);
    const res = await historyOf(gw, d.id, 'b', '?bucket=1d');
    expect(res.status).toBe(200);
    expect(res.body.bucketMs).toBe(DAY);
    const buckets = res.body.buckets as { start: number; min: number; max: number; avg: number; count: number }[];
    expect(buckets.length).toBeGreaterThanOrEqual(1); // two when the values straddle midnight UTC
    expect(buckets.every((b) => b.start % DAY === 0)).toBe(true);
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(4);
    expect(Math.min(...buckets.map((b) => b.min))).toBe(10);
    expect(Math.max(...buckets.map((b) => b.max))).toBe(30);
    if (buckets.length === 1) expect(buckets[0].avg).toBe(20);
    const ms = await historyOf(gw, d.id, 'b', `?bucket=${DAY}`);
    expect(ms.body.buckets).toEqual(buckets);
    const words = await deviceWithValues(gw, 'w', ['on']);
    await pointsOf(gw, words.id, 'w', 1);
    const text = await historyOf(gw, words.id, 'w', '?bucket=1h');
    expect(text.body.buckets).toEqual([{ start: expect.any(Number), min: null, max: null, avg: null, count: 1 }]);
  });

  it('exports CSV, escaped and guarded against formulas, raw and bucketed', async () => {
    const d = await deviceWithValues(gw, 'c', ['1.5', '=HYPERLINK("x")', 'a,b', '{"k":"v"}', '-3']);
    await pointsOf(gw, d.id, 'c', 5);
    const res = await historyOf(gw, d.id, 'c', '?format=csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${d.id}-c.csv"`);
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('ts,time,value');
    const cells = lines.slice(1).map((l) => l.split(/,(.*)/s)[1].replace(/^[^,]+,/, ''));
    expect(cells).toEqual(['1.5', `"'=HYPERLINK(""x"")"`, '"a,b"', '"{""k"":""v""}"', '-3']);
    const [ts, time] = lines[1].split(',');
    expect(new Date(time).getTime()).toBe(Number(ts));
    const bucketed = await historyOf(gw, d.id, 'c', '?format=csv&bucket=1d');
    const rows = bucketed.text.trimEnd().split('\r\n');
    expect(rows[0]).toBe('start,time,min,max,avg,count');
    expect(rows.slice(1).reduce((n, r) => n + Number(r.split(',')[5]), 0)).toBe(5);
  });

  it('answers 400 naming every bad field of the query', async () => {
    const d = await createDevice(gw);
    const bad = async (query: string) => {
      const res = await historyOf(gw, d.id, 'x', query);
      expect([query, res.status]).toEqual([query, 400]);
      return (res.body.error.fields as { path: string }[]).map((f) => f.path).sort();
    };
    expect(await bad('?from=yesterday&to=soon')).toEqual(['from', 'to']);
    expect(await bad('?from=2000&to=1000')).toEqual(['from']);
    expect(await bad('?limit=0')).toEqual(['limit']);
    expect(await bad('?limit=10001')).toEqual(['limit']);
    expect(await bad('?limit=ten')).toEqual(['limit']);
    expect(await bad('?bucket=fortnight')).toEqual(['bucket']);
    expect(await bad('?bucket=0')).toEqual(['bucket']);
    expect(await bad('?bucket=1s')).toEqual(['bucket']); // 86,400 buckets in the default day
    expect(await bad('?format=xml')).toEqual(['format']);
    expect(await bad('?from=x&limit=0&bucket=1y')).toEqual(['bucket', 'from', 'limit']);
    expect((await historyOf(gw, d.id, 'x', '?bucket=10s')).status).toBe(200); // 8,640 buckets
  });

  it('keeps retention per organization within the global caps, set over REST by an admin', async () => {
    const url = '/api/v1/organization/history-retention';
    expect((await gw.http().get(url).set(auth())).body).toEqual({
      retentionDays: null,
      maxPointsPerDatastream: null,
      effectiveRetentionDays: 30,
      effectiveMaxPointsPerDatastream: 1000,
    });
    const wrong = await gw.http().put(url).set(auth()).send({ retentionDays: 31, maxPointsPerDatastream: 0 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['maxPointsPerDatastream']);
    const capped = await gw.http().put(url).set(auth()).send({ retentionDays: 31, maxPointsPerDatastream: 1001 });
    expect(capped.status).toBe(400);
    expect(capped.body.error.fields.map((f: { path: string }) => f.path)).toEqual([
      'retentionDays',
      'maxPointsPerDatastream',
    ]);
    const ro = await gw
      .http()
      .post('/api/v1/organization/tokens')
      .set(auth())
      .send({ name: 'ro', scopes: ['all.Organization.read'] });
    expect((await gw.http().put(url).set(auth(ro.body.token)).send({ retentionDays: 1 })).status).toBe(403);
    const set = await gw.http().put(url).set(auth()).send({ retentionDays: 2, maxPointsPerDatastream: 3 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      retentionDays: 2,
      maxPointsPerDatastream: 3,
      effectiveRetentionDays: 2,
      effectiveMaxPointsPerDatastream: 3,
    });
    expect((await gw.http().get(url).set(auth(otherToken))).body.retentionDays).toBeNull(); // per organization

    // The pruner (run here with an explicit clock) keeps the newest 3, then ages everything out after 2 days.
    const d = await deviceWithValues(gw, 'r', ['1', '2', '3', '4', '5', '6']);
    await pointsOf(gw, d.id, 'r', 6);
    const pruner = gw.app.get(HistoryPruner);
    expect((await pruner.prune(Date.now())).trimmed).toBeGreaterThanOrEqual(3); // other datastreams of the org too
    expect((await historyOf(gw, d.id, 'r')).body.points.map((p: { value: number }) => p.value)).toEqual([4, 5, 6]);
    await pruner.prune(Date.now() + 2 * DAY + 1000);
    expect((await historyOf(gw, d.id, 'r')).body.points).toEqual([]);
    await gw.http().put(url).set(auth()).send({});
  });

  it("deletes a device's history with the device", async () => {
    const d = await deviceWithValues(gw, 'gone', ['1', '2']);
    await pointsOf(gw, d.id, 'gone', 2);
    const repo = gw.app.get<DatastreamHistoryRepository>(DATASTREAM_HISTORY_REPOSITORY);
    expect(await repo.count(d.id, 'gone')).toBe(2);
    expect((await gw.http().delete(`/api/v1/organization/devices/${d.id}`).set(auth())).status).toBe(204);
    expect(await repo.count(d.id, 'gone')).toBe(0);
    expect((await historyOf(gw, d.id, 'gone')).status).toBe(404);
  });
});

const mongoUri = mongoTestUri('history');
describeWith(['mongo'], 'datastream history over REST (MongoDB: FerretDB)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ MONGODB_URI: mongoUri! });
  });
  afterAll(async () => {
    await gw.stop();
    await dropDatabase(mongoUri!);
  });

  it('keeps values, answers raw, bucketed and CSV, and deletes them with the device', async () => {
    const d = await deviceWithValues(gw, 't', ['1', '2', 'x', '4']);
    expect((await pointsOf(gw, d.id, 't', 4)).points.map((p) => p.value)).toEqual([1, 2, 'x', 4]);
    const last = await historyOf(gw, d.id, 't', '?limit=1');
    expect(last.body).toMatchObject({ points: [{ value: 4 }], truncated: true });
    const buckets = (await historyOf(gw, d.id, 't', '?bucket=1d')).body.buckets as { count: number; min: number }[];
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(4);
    expect(Math.min(...buckets.map((b) => b.min))).toBe(1);
    expect((await historyOf(gw, d.id, 't', '?format=csv')).text.split('\r\n')[3]).toMatch(/,x$/);
    await gw.http().delete(`/api/v1/organization/devices/${d.id}`).set(auth()).expect(204);
    const repo = gw.app.get<DatastreamHistoryRepository>(DATASTREAM_HISTORY_REPOSITORY);
    expect(await repo.count(d.id, 't')).toBe(0);
  });
});

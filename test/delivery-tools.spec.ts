import { jest } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  startTestGateway,
  type TestGateway,
  waitFor,
} from './support/harness.js';
import { dropDatabase, mongoTestUri } from './support/mongo.js';
import { createWebhook, DELIVERY_ENV, deliveries, type Receiver, startReceiver, WEBHOOKS } from './support/receiver.js';
import { describeWith } from './support/requirements.js';

jest.setTimeout(90_000);
/** On FerretDB each delivery-log write scans its collection (src/storage/mongo/delivery.repository.ts): slow. */
const LOG_TIMEOUT_MS = 30_000;

// The console's delivery tools over REST (issue 22): every invalid field at once, search of the delivery log,
// response headers per attempt, a bulk replay that says first how many it will send, the endpoint's health.

describe('every invalid field of a request in one 400 (error.fields)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(DELIVERY_ENV);
  });
  afterAll(() => gw.stop());

  const post = (body: Record<string, unknown>) => gw.http().post(WEBHOOKS).set(auth()).send(body);

  it('names each field the DTO refuses, with its path, nested ones included', async () => {
    const res = await post({
      name: '',
      url: 'http://127.0.0.1/x',
      trigger: 'DEVICE_STATUS',
      failureLimit: 0,
      rateLimitPerMinute: 0,
      dataTrigger: { condition: { op: 'gt', forMs: -1 } },
    }).expect(400);
    const { message, code, fields } = res.body.error as {
      message: string;
      code: string;
      fields: { path: string; message: string }[];
    };
    expect(code).toBe('ValidationError');
    const paths = fields.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['name', 'failureLimit', 'rateLimitPerMinute', 'dataTrigger.condition.forMs']),
    );
    // The message reads as it always did: the fields' messages joined.
    expect(message).toBe(fields.map((f) => f.message).join('; '));
    expect(fields.find((f) => f.path === 'rateLimitPerMinute')!.message).toBe('rateLimitPerMinute must be at least 1');
  });

  it('names every cross-field rule that fails, not only the first', async () => {
    const res = await post({
      name: 'rules',
      url: 'not a url',
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: 'nobody-here', dataStream: 'temp' },
      headers: { 'webhook-id': 'x' },
    }).expect(400);
    expect(res.body.error.fields).toEqual([
      { path: 'url', message: 'url must be an absolute http(s) URL' },
      { path: 'headers.webhook-id', message: 'headers.webhook-id is set by the gateway and cannot be configured' },
      {
        path: 'dataTrigger.deviceId',
        message: 'dataTrigger.deviceId: device nobody-here is not a device of this organization',
      },
    ]);
  });

  it('keeps one failing rule exactly as before, its field named', async () => {
    const res = await post({
      name: 'one',
      url: 'not a url',
      trigger: 'DEVICE_STATUS',
      dataTrigger: { statuses: ['online'] },
    }).expect(400);
    expect(res.body).toEqual({
      error: {
        message: 'url must be an absolute http(s) URL',
        code: 'ValidationError',
        fields: [{ path: 'url', message: 'url must be an absolute http(s) URL' }],
      },
    });
  });

  it("leaves Bold's and Losant's error shapes as they are", async () => {
    const bold = await gw.http().post('/v2/webhooks').set(auth()).send({ url: 'nope' });
    expect(bold.status).toBeGreaterThanOrEqual(400);
    expect(Object.keys(bold.body).sort()).toEqual(['code', 'errorCode', 'errorMessage', 'message']);
    const losant = await gw.http().post('/applications/x/webhooks').set(auth()).send({ bogus: 1 });
    expect(losant.status).toBeGreaterThanOrEqual(400);
    expect(losant.body.error).toBeUndefined();
    expect(losant.body.fields).toBeUndefined();
  });

  it('refuses a bad search or since with the field named', async () => {
    const hook = await createWebhook(gw, {
      url: 'http://127.0.0.1:9/x',
      trigger: 'DEVICE_STATUS',
      dataTrigger: { statuses: ['online'] },
    });
    const res = await gw.http().get(`${WEBHOOKS}/${hook.id}/deliveries?since=soon`).set(auth()).expect(400);
    // Two rules of one field (an integer, not below 0): both named, both at `since`.
    expect(new Set(res.body.error.fields.map((f: { path: string }) => f.path))).toEqual(new Set(['since']));
    await gw.http().get(`${WEBHOOKS}/${hook.id}/replay`).set(auth()).expect(400);
  });
});

function deliveryTools(driver: string, env: () => Record<string, string>, cleanup: () => Promise<void>) {
  describe(`delivery tools over REST (${driver})`, () => {
    let gw: TestGateway;
    let rx: Receiver;
    let failing = false;
    const clients: MqttClient[] = [];
    let hook: Record<string, any>;
    beforeAll(async () => {
      rx = await startReceiver(() =>
        failing
          ? { status: 503, headers: { 'x-request-id': 'r-down' }, body: 'down' }
          : { status: 200, headers: { 'x-request-id': 'r-ok' }, body: 'ok' },
      );
      gw = await startTestGateway({ ...DELIVERY_ENV, WEBHOOK_RETRY_SCHEDULE_MS: '0', ...env() });
      hook = await createWebhook(gw, {
        url: `${rx.url}/status`,
        trigger: 'DEVICE_STATUS',
        failureLimit: 100,
        dataTrigger: { statuses: ['online', 'offline'] },
      });
    });
    afterAll(async () => {
      for (const c of clients) await endClient(c);
      await gw?.stop();
      await rx?.close();
      await cleanup();
    });

    const connect = async (id: string) => {
      const device = await createDevice(gw, { id, name: id });
      clients.push(await deviceClient(gw, device));
    };
    const settled = (n: number) =>
      waitFor(
        () => deliveries(gw, hook.id, '?size=100'),
        (l) => l.total === n && l.items.every((d: { status: string }) => d.status !== 'pending'),
        LOG_TIMEOUT_MS,
      );

    it('searches by device, webhook-id and event, and keeps each attempt’s response headers', async () => {
      await connect('alpha');
      await connect('beta');
      const all = await settled(2);
      const alpha = await deliveries(gw, hook.id, '?deviceId=alpha');
      expect(alpha.items.map((d: { deviceId: string }) => d.deviceId)).toEqual(['alpha']);
      expect(alpha.total).toBe(1);
      const one = all.items[1];
      const byId = await deliveries(gw, hook.id, `?messageId=${one.messageId}`);
      expect(byId.items.map((d: { id: number }) => d.id)).toEqual([one.id]);
      expect((await deliveries(gw, hook.id, '?event=device.status.online')).total).toBe(2);
      expect((await deliveries(gw, hook.id, '?event=device.status.offline')).total).toBe(0);
      expect((await deliveries(gw, hook.id, '?deviceId=nobody')).items).toEqual([]);
      // Exact, not a pattern: a regex or LIKE character matches nothing.
      expect((await deliveries(gw, hook.id, '?deviceId=.*')).total).toBe(0);
      expect(one.attempts[0].responseHeaders).toEqual(
        expect.arrayContaining([{ name: 'x-request-id', value: 'r-ok' }]),
      );
      expect(alpha.endpoint).toEqual({ failing: false, nextProbeAt: null });
    });

    it('says how many a replay since will send, then sends that many; a failing endpoint shows', async () => {
      failing = true;
      await connect('gamma');
      await connect('delta');
      const list = await settled(4);
      const failed = list.items.filter((d: { status: string }) => d.status === 'failed');
      expect(failed.length).toBe(2);
      expect(failed[0].attempts[0].responseHeaders).toEqual(
        expect.arrayContaining([{ name: 'x-request-id', value: 'r-down' }]),
      );
      expect(list.endpoint.failing).toBe(true);
      const since = Math.min(...failed.map((d: { createdAt: number }) => d.createdAt));
      const count = await gw.http().get(`${WEBHOOKS}/${hook.id}/replay?since=${since}`).set(auth()).expect(200);
      expect(count.body).toEqual({ since, failed: 2, held: 0, count: 2 });
      failing = false;
      const before = rx.received.length;
      const sent = await gw.http().post(`${WEBHOOKS}/${hook.id}/replay?since=${since}`).set(auth()).expect(202);
      expect(sent.body.replayed).toBe(count.body.count);
      await rx.wait(before + 2);
      await waitFor(
        () => deliveries(gw, hook.id, '?status=delivered'),
        (l) => l.total === 4,
        LOG_TIMEOUT_MS,
      );
    });
  });
}

deliveryTools(
  'sqlite',
  () => ({}),
  async () => {},
);
const mongoUri = mongoTestUri('delivery_tools');
if (mongoUri)
  deliveryTools(
    'mongo',
    () => ({ MONGODB_URI: mongoUri }),
    () => dropDatabase(mongoUri),
  );
else
  describeWith(['mongo'], 'delivery tools over REST (mongo)', () => {
    it('runs against MongoDB', () => {});
  });

import type { AddressInfo } from 'node:net';
import type { MqttClient } from 'mqtt';
import { SMTPServer } from 'smtp-server';
import { auth, publish, type TestGateway, waitFor } from './support/harness.js';
import {
  createWebhook,
  deliveries,
  type DeliveryRig,
  type Receiver,
  startDeliveryRig,
  WEBHOOKS,
} from './support/receiver.js';

interface Mail {
  from: string;
  to: string[];
  data: string;
}

/** A real SMTP server from npm (smtp-server) on 127.0.0.1, keeping every message. */
async function startSmtp(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: String(session.envelope.mailFrom && session.envelope.mailFrom.address),
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('failure handling, delivery log, replay, test and metrics', () => {
  let rig: DeliveryRig;
  let gw: TestGateway;
  let rx: Receiver;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let client: MqttClient;
  let device: { id: string; token: string };
  let down = true;
  beforeAll(async () => {
    smtp = await startSmtp();
    rig = await startDeliveryRig({
      handler: (req) =>
        req.path === '/flaky' && down ? { status: 500, body: 'receiver down' } : { status: 200, body: 'ok' },
      env: {
        WEBHOOK_RETRY_SCHEDULE_MS: '0,50,50,50,50,50',
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_FROM: 'gw@example.com',
      },
    });
    ({ gw, rx, client, device } = rig);
  });
  afterEach(() => rx.reset());
  afterAll(async () => {
    await rig.stop();
    await smtp.close();
  });
  const fire = (code: string, description = '') => publish(client, `devices/${device.id}/event/${code}`, description);

  it('disables at failureLimit, keeps the deliveries and what matches after, notifies the receivers (stored and e-mailed), and re-enabling delivers them', async () => {
    const user = (
      await gw
        .http()
        .post('/api/v1/organization/users')
        .set(auth())
        .send({ email: 'oncall@example.com', name: 'On call' })
        .expect(201)
    ).body;
    const w = await createWebhook(gw, {
      url: `${rx.url}/flaky`,
      trigger: 'DEVICE_LOG_EVENT',
      dataTrigger: { deviceId: device.id, eventCode: 'flaky' },
      failureLimit: 3,
      failureReceivers: [user.id],
    });
    await fire('flaky', 'one');
    await fire('flaky', 'two');
    const disabled = await waitFor(
      () =>
        gw
          .http()
          .get(`${WEBHOOKS}/${w.id}`)
          .set(auth())
          .then((r) => r.body),
      (b) => b.status === 'DISABLED_DUE_TO_ERRORS',
    );
    // Both go out together; the first failure opens the breaker, so the other one's failure is not counted
    // again, and then one delivery at a time probes: 3 counted failures, one or two attempts more.
    expect(disabled.failureCount).toBe(3);
    expect(disabled.attemptCount).toBeGreaterThanOrEqual(3);
    expect(disabled.attemptCount).toBeLessThanOrEqual(4);
    const held = await waitFor(
      () => deliveries(gw, w.id, '?status=held'),
      (l) => l.total === 2,
    );
    expect(held.items.map((d: any) => d.status)).toEqual(['held', 'held']);

    const notes = await waitFor(
      () =>
        gw
          .http()
          .get(`/api/v1/organization/users/${user.id}/notifications`)
          .set(auth())
          .then((r) => r.body),
      (n) => n.length === 1,
    );
    expect(notes[0]).toMatchObject({
      kind: 'webhook.disabled',
      webhookId: w.id,
      title: `Webhook "${w.name}" was disabled`,
    });
    expect(notes[0].message).toMatch(
      /3 consecutive failed attempts, one per probe while the endpoint fails \(failureLimit 3\); last: HTTP 500/,
    );
    const mail = await waitFor(
      () => smtp.mails,
      (m) => m.length === 1,
    );
    expect(mail[0]).toMatchObject({ from: 'gw@example.com', to: ['oncall@example.com'] });
    expect(mail[0].data).toMatch(/^Subject: .*Webhook.*was_disabled/m); // RFC 2047-encoded for the quotes
    expect(mail[0].data.replace(/=\r?\n/g, '')).toContain('(failureLimit 3); last: HTTP 500');

    // Disabled due to errors, it still records what matches (held); re-enabling resets the count, sends all.
    await fire('flaky', 'while disabled');
    await waitFor(
      () => deliveries(gw, w.id, '?status=held'),
      (l) => l.total === 3,
    );
    down = false;
    const before = rx.received.filter((r) => r.path === '/flaky').length;
    const enabled = (await gw.http().patch(`${WEBHOOKS}/${w.id}`).set(auth()).send({ status: 'ENABLED' }).expect(200))
      .body;
    expect(enabled).toMatchObject({ status: 'ENABLED', failureCount: 0 });
    const after = await rx.wait(before + 3, '/flaky');
    expect(
      after
        .slice(before)
        .map((r) => JSON.parse(r.body).eventDescription)
        .sort(),
    ).toEqual(['one', 'two', 'while disabled']);
    const done = await waitFor(
      () => deliveries(gw, w.id, '?status=delivered'),
      (l) => l.total === 3,
    );
    expect(done.items[0].attempts.at(-1)).toMatchObject({ statusCode: 200, response: 'ok', error: null });
  });

  it('lists the delivery log paged and filtered, with every attempt', async () => {
    rx.on((req) => (req.path === '/log' && req.body.includes('"bad"') ? { status: 503 } : { status: 204 }));
    const w = await createWebhook(gw, {
      url: `${rx.url}/log`,
      trigger: 'DEVICE_LOG_EVENT',
      dataTrigger: { deviceId: device.id, eventCode: 'log' },
      failureLimit: 100,
    });
    for (let i = 0; i < 5; i++) await fire('log', `ok-${i}`);
    await fire('log', 'bad');
    const failed = await waitFor(
      () => deliveries(gw, w.id, '?status=failed'),
      (l) => l.total === 1,
      8000,
    );
    expect(failed.items[0].attempts).toHaveLength(6);
    expect(failed.items[0].attempts.map((a: any) => a.n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(failed.items[0].attempts[0]).toMatchObject({
      statusCode: 503,
      durationMs: expect.any(Number),
      nextRetryAt: expect.any(Number),
    });
    expect(failed.items[0].attempts[5].nextRetryAt).toBeNull();
    const page = await deliveries(gw, w.id, '?status=delivered&size=2&page=1');
    expect(page).toMatchObject({ page: 1, size: 2, total: 5 });
    expect(page.items).toHaveLength(2);
    const bad = await gw.http().get(`${WEBHOOKS}/${w.id}/deliveries?status=lost`).set(auth());
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/status must be one of pending, held, delivered, failed, dropped/);

    // Svix-style recovery: one delivery, then everything failed since a moment, same webhook-id.
    rx.on(() => ({ status: 200, body: 'ok' }));
    const id = failed.items[0].id;
    const replay = await gw.http().post(`${WEBHOOKS}/${w.id}/deliveries/${id}/replay`).set(auth()).expect(202);
    expect(replay.body).toMatchObject({ id, status: 'pending', messageId: failed.items[0].messageId });
    const replayed = await waitFor(
      () =>
        gw
          .http()
          .get(`${WEBHOOKS}/${w.id}/deliveries/${id}`)
          .set(auth())
          .then((r) => r.body),
      (d) => d.status === 'delivered',
    );
    expect(replayed.attempts).toHaveLength(7);
    const last = rx.received.filter((r) => r.path === '/log').at(-1)!;
    expect(last.headers['webhook-id']).toBe(failed.items[0].messageId);
    const none = await gw.http().post(`${WEBHOOKS}/${w.id}/replay?since=${Date.now()}`).set(auth()).expect(202);
    expect(none.body.replayed).toBe(0);
    expect((await gw.http().post(`${WEBHOOKS}/${w.id}/replay`).set(auth())).status).toBe(400);
  });

  it('replays every failed delivery since a time', async () => {
    rx.on((req) => (req.path === '/since' ? { status: 500 } : { status: 200 }));
    const w = await createWebhook(gw, {
      url: `${rx.url}/since`,
      trigger: 'DEVICE_LOG_EVENT',
      dataTrigger: { deviceId: device.id, eventCode: 'since' },
      failureLimit: 100,
    });
    const t0 = Date.now();
    await fire('since', 'a');
    await fire('since', 'b');
    await waitFor(
      () => deliveries(gw, w.id, '?status=failed'),
      (l) => l.total === 2,
      8000,
    );
    rx.on(() => ({ status: 200 }));
    expect((await gw.http().post(`${WEBHOOKS}/${w.id}/replay?since=${t0}`).set(auth()).expect(202)).body).toEqual({
      replayed: 2,
      since: t0,
    });
    await waitFor(
      () => deliveries(gw, w.id, '?status=delivered'),
      (l) => l.total === 2,
    );
  });

  it('Test sends a synthetic event now: counted in attemptCount, not in the delivery log', async () => {
    rx.on(() => ({ status: 200, body: 'ok' }));
    const w = await createWebhook(gw, {
      url: `${rx.url}/test/{device_id}`,
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: device.id, dataStream: 'temp' },
    });
    const res = await gw.http().post(`${WEBHOOKS}/${w.id}/test`).set(auth()).expect(200);
    expect(res.body).toMatchObject({ delivered: true, statusCode: 200, response: 'ok', error: null });
    const [r] = await rx.wait(1, `/test/${device.id}`);
    expect(JSON.parse(r.body)).toMatchObject({ eventActivity: 'datastream.update', webhookId: w.id });
    expect((await gw.http().get(`${WEBHOOKS}/${w.id}`).set(auth())).body.attemptCount).toBe(1);
    expect((await deliveries(gw, w.id)).total).toBe(0);
  });

  it('puts every matched event in exactly one bucket in /metrics', async () => {
    rx.on((req) => (req.path === '/m-bad' ? { status: 500 } : { status: 200 }));
    const good = await createWebhook(gw, {
      url: `${rx.url}/m-good`,
      trigger: 'DEVICE_LOG_EVENT',
      dataTrigger: { deviceId: device.id, eventCode: 'm' },
    });
    const bad = await createWebhook(gw, {
      url: `${rx.url}/m-bad`,
      trigger: 'DEVICE_LOG_EVENT',
      dataTrigger: { deviceId: device.id, eventCode: 'm' },
      failureLimit: 4,
    });
    for (let i = 0; i < 3; i++) await fire('m');
    await waitFor(
      () => deliveries(gw, good.id, '?status=delivered'),
      (l) => l.total === 3,
    );
    await waitFor(
      () => deliveries(gw, bad.id, '?status=held'),
      (l) => l.total === 3,
    );
    await gw.http().delete(`${WEBHOOKS}/${bad.id}`).set(auth()).expect(204);
    const text = (await gw.http().get('/metrics')).text;
    const value = (labels: string) =>
      Number(new RegExp(`^gateway_webhook_deliveries\\{${labels}\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    expect(value(`webhook_id="${good.id}",bucket="delivered",reason=""`)).toBe(3);
    expect(value(`webhook_id="${good.id}",bucket="retrying",reason=""`)).toBe(0);
    expect(value(`webhook_id="${bad.id}",bucket="disabled_pending",reason=""`)).toBe(0);
    expect(value(`webhook_id="${bad.id}",bucket="dropped",reason="webhook_deleted"`)).toBe(3);
    expect(text).toMatch(/^gateway_deliveries\{bucket="delivered",reason=""\} \d+/m);
  });
});

import type { MqttClient } from 'mqtt';
import {
  auth,
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  type TestGateway,
} from './support/harness.js';
import {
  createWebhook,
  DELIVERY_ENV,
  matchedEvents,
  type Receiver,
  startReceiver,
  WEBHOOKS,
} from './support/receiver.js';

const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

describe('trigger engine: every trigger type, against a real receiver', () => {
  let gw: TestGateway;
  let rx: Receiver;
  const clients: MqttClient[] = [];
  beforeAll(async () => {
    rx = await startReceiver();
    gw = await startTestGateway(DELIVERY_ENV);
  });
  afterAll(async () => {
    await Promise.all(clients.map(endClient));
    await gw.stop();
    await rx.close();
  });
  const hook = (path: string, body: Record<string, unknown>) => createWebhook(gw, { url: `${rx.url}${path}`, ...body });
  const connect = async (d: { id: string; token: string }) => {
    const c = await deviceClient(gw, d);
    clients.push(c);
    return c;
  };

  it("DEVICE_ADDED and DEVICE_DELETED send Kobiton's payload", async () => {
    const added = await hook('/added', { trigger: 'DEVICE_ADDED' });
    await hook('/deleted', { trigger: 'DEVICE_DELETED' });
    const d = await createDevice(gw, { name: 'Galaxy Note 8' });
    const [a] = await rx.wait(1, '/added');
    expect(json(a)).toMatchObject({
      eventType: 'DEVICE',
      eventActivity: 'device.added',
      eventDescription: 'Device added',
      deviceUdid: d.id,
      deviceName: 'Galaxy Note 8',
      orgId: 1,
      webhookId: added.id,
      webhookName: added.name,
    });
    expect(json(a).creationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(a.headers['content-type']).toBe('application/json');
    await gw.http().delete(`/api/v1/organization/devices/${d.id}`).set(auth()).expect(204);
    const [del] = await rx.wait(1, '/deleted');
    expect(json(del)).toMatchObject({ eventActivity: 'device.deleted', deviceUdid: d.id });
    const after = (await gw.http().get(`${WEBHOOKS}/${added.id}`).set(auth())).body;
    // Kobiton's creationTime is when the callback was sent: at or after the event that triggered it.
    expect(after.lastTriggeredTs).toEqual(expect.any(Number));
    expect(new Date(json(a).creationTime).getTime()).toBeGreaterThanOrEqual(after.lastTriggeredTs);
    expect(after.attemptCount).toBe(1);
  });

  it('FIRST_DEVICE_CONNECTION_IN_ORG fires once per device, not on reconnects', async () => {
    const w = await hook('/first', { trigger: 'FIRST_DEVICE_CONNECTION_IN_ORG' });
    const d = await createDevice(gw);
    await endClient(await deviceClient(gw, d));
    await endClient(await deviceClient(gw, d));
    const [first] = await rx.wait(1, '/first');
    expect(json(first)).toMatchObject({ eventActivity: 'device.first_connection', deviceUdid: d.id });
    expect(await matchedEvents(gw, w.id)).toBe(1);
    expect(rx.received.filter((r) => r.path === '/first')).toHaveLength(1);
  });

  it('DEVICE_STATUS follows Kobiton: chosen toggles only, no online after utilizing, never PUBLIC devices', async () => {
    const w = await hook('/status', {
      trigger: 'DEVICE_STATUS',
      dataTrigger: { statuses: ['online', 'offline', 'utilizing'] },
    });
    const pub = await createDevice(gw, { type: 'PUBLIC' });
    await endClient(await deviceClient(gw, pub));
    const d = await createDevice(gw, { type: 'LOCAL' });
    const c = await deviceClient(gw, d);
    await publish(c, `devices/${d.id}/status`, 'utilizing');
    await publish(c, `devices/${d.id}/status`, 'online'); // from utilizing: not reported
    await publish(c, `devices/${d.id}/status`, 'unplugged'); // toggle off
    await endClient(c);
    const got = await rx.wait(3, '/status');
    expect(await matchedEvents(gw, w.id)).toBe(3);
    const status = rx.received.filter((r) => r.path === '/status').map(json);
    expect(status.map((b) => [b.deviceUdid, b.eventActivity, b.eventDescription])).toEqual([
      [d.id, 'device.status.online', 'Online'],
      [d.id, 'device.state.utilizing', 'Utilizing'],
      [d.id, 'device.status.offline', 'Offline'],
    ]);
    expect(got[0].headers['webhook-id']).toMatch(/^msg_/);
    expect(status.every((b) => b.webhookId === w.id)).toBe(true);
  });

  it('DEVICE_DATASTREAM_UPDATE: one device, one datastream; batches count too', async () => {
    const d = await createDevice(gw);
    const other = await createDevice(gw);
    const w = await hook('/ds', {
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: d.id, dataStream: 'temp' },
    });
    const c = await connect(d);
    const o = await connect(other);
    await publish(o, `devices/${other.id}/ds/temp`, '99');
    await publish(c, `devices/${d.id}/ds/humidity`, '40');
    await publish(c, `devices/${d.id}/ds/temp`, '21.5');
    await publish(c, `devices/${d.id}/batch`, JSON.stringify({ temp: 22, humidity: 41 }));
    await rx.wait(2, '/ds');
    expect(await matchedEvents(gw, w.id)).toBe(2);
    expect(rx.received.filter((r) => r.path === '/ds').map((r) => json(r).data)).toEqual([
      expect.objectContaining({ key: 'temp', value: 21.5 }),
      expect.objectContaining({ key: 'temp', value: 22 }),
    ]);
  });

  it.each(['PRODUCT_DATASTREAM_UPDATE', 'GLOBAL_PRODUCT_DATASTREAM_UPDATE'])(
    '%s: every device of the template',
    async (trigger) => {
      const path = `/${trigger.toLowerCase()}`;
      const tpl = `tpl-${trigger.length}`;
      const w = await hook(path, { trigger, dataTrigger: { templateId: tpl, dataStream: 'power' } });
      const a = await createDevice(gw, { templateId: tpl });
      const b = await createDevice(gw, { templateId: tpl });
      const outside = await createDevice(gw, { templateId: 'other' });
      for (const d of [outside, a, b]) await publish(await connect(d), `devices/${d.id}/ds/power`, '1');
      await rx.wait(2, path);
      expect(await matchedEvents(gw, w.id)).toBe(2);
      expect(
        rx.received
          .filter((r) => r.path === path)
          .map((r) => json(r).deviceUdid)
          .sort(),
      ).toEqual([a.id, b.id].sort());
    },
  );

  it('DEVICE_LOG_EVENT: the event code, with its description', async () => {
    const d = await createDevice(gw);
    const w = await hook('/log', {
      trigger: 'DEVICE_LOG_EVENT',
      dataTrigger: { deviceId: d.id, eventCode: 'door_open' },
    });
    const c = await connect(d);
    await publish(c, `devices/${d.id}/event/battery_low`, 'low');
    await publish(c, `devices/${d.id}/event/door_open`, 'Front door');
    const [r] = await rx.wait(1, '/log');
    expect(json(r)).toMatchObject({
      eventActivity: 'log.event',
      eventDescription: 'Front door',
      data: { key: 'door_open' },
    });
    expect(await matchedEvents(gw, w.id)).toBe(1);
    expect(rx.received.filter((x) => x.path === '/log')).toHaveLength(1);
  });

  it.each(['PRODUCT_LOG_EVENT', 'GLOBAL_PRODUCT_LOG_EVENT'])(
    '%s: the event code on any device of the template',
    async (trigger) => {
      const path = `/${trigger.toLowerCase()}`;
      await hook(path, { trigger, dataTrigger: { templateId: `lt-${trigger.length}`, eventCode: 'alarm' } });
      const d = await createDevice(gw, { templateId: `lt-${trigger.length}` });
      await publish(await connect(d), `devices/${d.id}/event/alarm`, '');
      const [r] = await rx.wait(1, path);
      expect(json(r)).toMatchObject({ eventActivity: 'log.event', deviceUdid: d.id, eventDescription: 'alarm' });
    },
  );

  it('NEW_USER, UPDATED_USER and DELETED_USER carry the user', async () => {
    await hook('/users/{user_id}', { trigger: 'NEW_USER', body: '{"email": "{user_email}", "name": "{user_name}"}' });
    await hook('/updated', { trigger: 'UPDATED_USER', body: '{"id": {user_id}, "name": "{user_name}"}' });
    await hook('/gone', { trigger: 'DELETED_USER' });
    const user = (
      await gw
        .http()
        .post('/api/v1/organization/users')
        .set(auth())
        .send({ email: 'ada@example.com', name: 'Ada' })
        .expect(201)
    ).body;
    const [n] = await rx.wait(1, `/users/${user.id}`);
    expect(json(n)).toEqual({ email: 'ada@example.com', name: 'Ada' });
    await gw.http().patch(`/api/v1/organization/users/${user.id}`).set(auth()).send({ name: 'Ada L.' }).expect(200);
    expect(json((await rx.wait(1, '/updated'))[0])).toEqual({ id: user.id, name: 'Ada L.' });
    await gw.http().delete(`/api/v1/organization/users/${user.id}`).set(auth()).expect(204);
    expect(json((await rx.wait(1, '/gone'))[0])).toMatchObject({
      eventType: 'USER',
      eventActivity: 'user.deleted',
      deviceUdid: null,
    });
  });

  it('ORGANIZATION_ADDED fires in the creating organization', async () => {
    await hook('/org', { trigger: 'ORGANIZATION_ADDED' });
    const res = await gw
      .http()
      .post('/api/v1/organization/organizations')
      .set(auth())
      .send({ name: 'Lab B' })
      .expect(201);
    expect(res.body.adminToken).toMatch(/^gw_/);
    const [r] = await rx.wait(1, '/org');
    expect(json(r)).toMatchObject({
      eventType: 'ORGANIZATION',
      eventActivity: 'organization.added',
      data: { value: { id: res.body.id, name: 'Lab B' } },
    });
  });

  it('DEVICE_EVENTS: statuses and event codes, with device and group filters', async () => {
    const inGroup = await createDevice(gw, { groupIds: ['lobby'] });
    const notInGroup = await createDevice(gw);
    const w = await hook('/multi', {
      trigger: 'DEVICE_EVENTS',
      dataTrigger: { statuses: ['online'], eventCodes: ['tamper'], deviceGroupIds: ['lobby'] },
    });
    for (const d of [notInGroup, inGroup]) {
      const c = await connect(d);
      await publish(c, `devices/${d.id}/event/tamper`, 'case opened');
    }
    const got = await rx.wait(2, '/multi');
    expect(await matchedEvents(gw, w.id)).toBe(2);
    expect(
      rx.received.filter((r) => r.path === '/multi').map((r) => [json(r).deviceUdid, json(r).eventActivity]),
    ).toEqual([
      [inGroup.id, 'device.status.online'],
      [inGroup.id, 'log.event'],
    ]);
    expect(got).toHaveLength(2);
  });

  it('updates the index on every create, update and delete, without a restart', async () => {
    const d = await createDevice(gw);
    const c = await connect(d);
    const w = await hook('/crud', {
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: d.id, dataStream: 'a' },
    });
    await publish(c, `devices/${d.id}/ds/a`, '1');
    await rx.wait(1, '/crud');
    await gw
      .http()
      .patch(`${WEBHOOKS}/${w.id}`)
      .set(auth())
      .send({ dataTrigger: { deviceId: d.id, dataStream: 'b' } })
      .expect(200);
    await publish(c, `devices/${d.id}/ds/a`, '2');
    await publish(c, `devices/${d.id}/ds/b`, '3');
    await rx.wait(2, '/crud');
    await gw.http().patch(`${WEBHOOKS}/${w.id}`).set(auth()).send({ status: 'DISABLED' }).expect(200);
    await publish(c, `devices/${d.id}/ds/b`, '4');
    await gw.http().patch(`${WEBHOOKS}/${w.id}`).set(auth()).send({ status: 'ENABLED' }).expect(200);
    await publish(c, `devices/${d.id}/ds/b`, '5');
    await rx.wait(3, '/crud');
    await gw.http().delete(`${WEBHOOKS}/${w.id}`).set(auth()).expect(204);
    await publish(c, `devices/${d.id}/ds/b`, '6'); // after the delete: PUBACK means it was matched against nothing
    expect(await matchedEvents(gw, w.id)).toBe(3);
    expect(rx.received.filter((r) => r.path === '/crud').map((r) => json(r).data.value)).toEqual([1, 3, 5]);
  });
});

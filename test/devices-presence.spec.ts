import type { GatewayEvent } from '../src/events/gateway-event.js';
import { EventBus } from '../src/events/event-bus.js';
import {
  auth,
  connectMqtt,
  createDevice,
  deviceClient,
  endClient,
  getDevice,
  mqttConnections,
  publish,
  raw,
  rawSocket,
  startTestGateway,
  type TestGateway,
  waitFor,
} from './support/harness.js';

describe('devices and presence (real broker, real clients, real SQLite)', () => {
  let gw: TestGateway;
  let events: GatewayEvent[];

  beforeAll(async () => {
    gw = await startTestGateway();
    events = [];
    gw.app.get(EventBus).subscribe((e) => void events.push(e));
  });
  afterAll(() => gw.stop());

  const statusOf = async (id: string) => (await getDevice(gw, id)).status as string;
  const becomes = (id: string, status: string) =>
    waitFor(
      () => statusOf(id),
      (s) => s === status,
    );

  it('creates a device over REST whose token connects it and shows it online', async () => {
    const created = await gw
      .http()
      .post('/api/v1/organization/devices')
      .set(auth())
      .send({ name: 'Pump', type: 'LOCAL', templateId: 'pumps', metadata: { site: 'north' } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^dev_/);
    const again = await gw.http().get(`/api/v1/organization/devices/${created.body.id}`).set(auth());
    expect(again.body.token).toBeUndefined();
    expect(again.body.tokenHash).toBeUndefined();

    const client = await deviceClient(gw, created.body);
    await becomes(created.body.id, 'online');
    const kinds = events.filter((e) => e.deviceId === created.body.id).map((e) => e.kind);
    expect(kinds).toEqual(['device.added', 'device.first_connection', 'device.status.online']);
    await endClient(client);
    await becomes(created.body.id, 'offline');
  });

  it('shows status, ds, batch and event publishes in GET /devices/{id}', async () => {
    const d = await createDevice(gw);
    const c = await deviceClient(gw, d);
    await publish(c, `devices/${d.id}/ds/temperature`, '21.5');
    await publish(c, `devices/${d.id}/ds/label`, 'hall');
    await publish(c, `devices/${d.id}/batch`, JSON.stringify({ rpm: 1200, on: true, cfg: { a: [1, 2] } }));
    await publish(c, `devices/${d.id}/event/overheat`, 'too hot');
    await publish(c, `devices/${d.id}/status`, JSON.stringify({ status: 'utilizing', name: 'Pump A' }));
    await publish(c, `devices/${d.id}/info`, JSON.stringify({ model: 'X1', type: 'PUBLIC' }));
    const body = await waitFor(
      () => getDevice(gw, d.id),
      (b) => b.status === 'utilizing' && b.metadata.model === 'X1',
    );
    expect(body.values.temperature.value).toBe(21.5);
    expect(body.values.label.value).toBe('hall');
    expect(body.values.rpm.value).toBe(1200);
    expect(body.values.on.value).toBe(true);
    expect(body.values.cfg.value).toEqual({ a: [1, 2] });
    expect(body.lastEvent).toMatchObject({ code: 'overheat', description: 'too hot' });
    expect(body.name).toBe('Pump A');
    expect(body.type).toBe('PUBLIC');
    expect(typeof body.lastSeen).toBe('number');
    // Kobiton's rule: back online from utilizing emits no device.status.online.
    const before = events.length;
    await publish(c, `devices/${d.id}/status`, 'online');
    await becomes(d.id, 'online');
    expect(events.slice(before).filter((e) => e.deviceId === d.id && e.kind === 'device.status.online')).toHaveLength(
      0,
    );
    await endClient(c);
  });

  it('goes offline on a killed socket', async () => {
    const d = await createDevice(gw);
    const c = await deviceClient(gw, d);
    await becomes(d.id, 'online');
    c.stream.destroy();
    await becomes(d.id, 'offline');
    c.end(true);
  });

  it('goes offline when the keepalive expires', async () => {
    const d = await createDevice(gw);
    const { socket, received, closed } = await rawSocket(gw);
    socket.write(raw.connect(`${d.id}-ka`, { username: d.id, password: d.token, keepalive: 1 }));
    await waitFor(
      () => received.length,
      (n) => n > 0,
    );
    expect(received[0][3]).toBe(0); // CONNACK accepted
    await becomes(d.id, 'online');
    // No PINGREQ: the broker closes after 1.5 x keepalive [MQTT-3.1.2-24].
    await closed;
    await becomes(d.id, 'offline');
  });

  it('stays online until the last of two connections closes', async () => {
    const d = await createDevice(gw);
    const a = await deviceClient(gw, d);
    const b = await deviceClient(gw, d);
    await becomes(d.id, 'online');
    const open = await mqttConnections(gw);
    await endClient(a);
    await waitFor(
      () => mqttConnections(gw),
      (n) => n === open - 1,
    ); // the gateway has seen `a` close
    expect(await statusOf(d.id)).toBe('online');
    await endClient(b);
    await becomes(d.id, 'offline');
  });

  it('does not flip status backwards on a session takeover with the same client id', async () => {
    const d = await createDevice(gw);
    const first = await connectMqtt(gw, { clientId: `${d.id}-same`, username: d.id, password: d.token });
    await becomes(d.id, 'online');
    const seen: string[] = [];
    const off = gw.app.get(EventBus).subscribe((e) => {
      if (e.deviceId === d.id) seen.push(e.kind);
    });
    const open = await mqttConnections(gw);
    const firstClosed = new Promise<void>((r) => first.stream.once('close', () => r()));
    const second = await connectMqtt(gw, { clientId: `${d.id}-same`, username: d.id, password: d.token });
    await firstClosed; // Aedes closed the taken-over session
    await waitFor(
      () => mqttConnections(gw),
      (n) => n === open,
    );
    off();
    first.end(true);
    expect(await statusOf(d.id)).toBe('online');
    expect(seen).not.toContain('device.status.offline');
    await endClient(second);
    await becomes(d.id, 'offline');
  });

  it('refuses a wrong token with CONNACK 0x04, and an unknown user too', async () => {
    const d = await createDevice(gw);
    await expect(connectMqtt(gw, { username: d.id, password: 'dev_wrong' })).rejects.toMatchObject({ code: 4 });
    await expect(connectMqtt(gw, { username: 'nobody', password: 'x' })).rejects.toMatchObject({ code: 4 });
  });

  it('takes all devices of an agent offline when the agent disconnects', async () => {
    const agent = (await gw.http().post('/api/v1/organization/agents').set(auth()).send({ name: 'rig-1' })).body as {
      id: string;
      token: string;
    };
    const phones = [await createDevice(gw, { agentId: agent.id }), await createDevice(gw, { agentId: agent.id })];
    const other = await createDevice(gw);
    const ac = await connectMqtt(gw, { username: agent.id, password: agent.token });
    for (const p of phones) await publish(ac, `devices/${p.id}/status`, 'online');
    await publish(ac, `devices/${phones[1].id}/status`, 'utilizing');
    await publish(ac, `devices/${other.id}/status`, 'online'); // not its device: dropped by the ACL
    await becomes(phones[0].id, 'online');
    await becomes(phones[1].id, 'utilizing');
    expect(await statusOf(other.id)).toBe('offline');
    ac.stream.destroy();
    await becomes(phones[0].id, 'offline');
    await becomes(phones[1].id, 'offline');
    ac.end(true);
    // Reassigning a device moves it between agents (the registry keeps an agent → devices index).
    const rig2 = (await gw.http().post('/api/v1/organization/agents').set(auth()).send({ name: 'rig-2' })).body as {
      id: string;
    };
    await gw
      .http()
      .patch(`/api/v1/organization/devices/${phones[1].id}`)
      .set(auth())
      .send({ agentId: rig2.id })
      .expect(200);
    const agents = (await gw.http().get('/api/v1/organization/agents').set(auth())).body.items as {
      id: string;
      devices: string[];
    }[];
    expect(agents.find((a) => a.id === agent.id)?.devices).toEqual([phones[0].id]);
    expect(agents.find((a) => a.id === rig2.id)?.devices).toEqual([phones[1].id]);
    await gw.http().delete(`/api/v1/organization/devices/${phones[0].id}`).set(auth()).expect(204);
    await gw.http().delete(`/api/v1/organization/agents/${agent.id}`).set(auth()).expect(204); // no devices left
  });

  it('rotates a device token: the old one stops working and its live connection is closed', async () => {
    const d = await createDevice(gw);
    const live = await deviceClient(gw, d);
    const closed = new Promise<void>((r) => live.once('close', () => r()));
    const rotated = await gw.http().post(`/api/v1/organization/devices/${d.id}/token`).set(auth());
    expect(rotated.status).toBe(201);
    await expect(connectMqtt(gw, { username: d.id, password: d.token })).rejects.toMatchObject({ code: 4 });
    await closed;
    live.end(true);
    const c = await connectMqtt(gw, { username: d.id, password: rotated.body.token });
    await endClient(c);
  });

  it('keeps presence and values across a restart (written behind), and settles online devices offline', async () => {
    const d = await createDevice(gw);
    const c = await deviceClient(gw, d);
    await publish(c, `devices/${d.id}/ds/level`, '7');
    await becomes(d.id, 'online');
    const dir = gw.dataDir;
    await gw.close();
    gw = await startTestGateway({}, dir);
    events = [];
    gw.app.get(EventBus).subscribe((e) => void events.push(e));
    const body = await getDevice(gw, d.id);
    expect(body.values.level.value).toBe(7);
    expect(body.status).toBe('offline');
    c.end(true);
  });
});

describe('presence debounce (PRESENCE_OFFLINE_GRACE_MS)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ PRESENCE_OFFLINE_GRACE_MS: '400' });
  });
  afterAll(() => gw.stop());

  it('absorbs a reconnect within the grace period and goes offline after it', async () => {
    const d = await createDevice(gw);
    const seen: string[] = [];
    gw.app.get(EventBus).subscribe((e) => {
      if (e.deviceId === d.id) seen.push(e.kind);
    });
    const a = await deviceClient(gw, d);
    await waitFor(
      () => getDevice(gw, d.id),
      (b) => b.status === 'online',
    );
    await endClient(a);
    const b = await deviceClient(gw, d); // flapping: back within 400 ms
    await new Promise((r) => setTimeout(r, 600)); // past the grace: elapsed time is what is tested
    expect((await getDevice(gw, d.id)).status).toBe('online');
    const open = await mqttConnections(gw);
    await endClient(b);
    await waitFor(
      () => mqttConnections(gw),
      (n) => n === open - 1,
    );
    expect((await getDevice(gw, d.id)).status).toBe('online'); // closed, but still within grace
    await waitFor(
      () => getDevice(gw, d.id),
      (x) => x.status === 'offline',
    );
    expect(seen.filter((k) => k.startsWith('device.status'))).toEqual([
      'device.status.online',
      'device.status.offline',
    ]);
  });
});

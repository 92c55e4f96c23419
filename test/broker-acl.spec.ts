import type { MqttClient } from 'mqtt';
import { TenancyService } from '../src/tenancy/tenancy.service.js';
import {
  connectMqtt,
  createDevice,
  deviceClient,
  endClient,
  getDevice,
  publish,
  raw,
  rawSocket,
  startTestGateway,
  subscribe,
  type TestGateway,
  waitFor,
} from './support/harness.js';

const received = (client: MqttClient) => {
  const got: { topic: string; payload: string }[] = [];
  client.on('message', (topic, payload) => got.push({ topic, payload: payload.toString() }));
  return got;
};
const metric = async (gw: TestGateway, line: string) => {
  const text = (await gw.http().get('/metrics')).text;
  const m = text.split('\n').find((l) => l.startsWith(line));
  return m ? Number(m.slice(line.length).trim()) : 0;
};

describe('broker ACL and guards', () => {
  let gw: TestGateway;
  let device: { id: string; token: string };
  let neighbour: { id: string; token: string };
  let bystander: MqttClient;

  beforeAll(async () => {
    gw = await startTestGateway({ MQTT_MAX_PACKET_BYTES: '2048', MQTT_MAX_SUBSCRIPTIONS: '3' });
    device = await createDevice(gw);
    neighbour = await createDevice(gw);
    // A client that must keep being served whatever the others do.
    bystander = await deviceClient(gw, neighbour);
    expect(await subscribe(bystander, `devices/${neighbour.id}/downlink/#`)).toBe(1);
  });
  afterAll(async () => {
    bystander.end(true);
    await gw.stop();
  });

  /** The bystander still gets its downlink and its publishes still land. */
  async function bystanderIsServed(): Promise<void> {
    const marker = `v${Math.random()}`;
    await publish(bystander, `devices/${neighbour.id}/ds/alive`, JSON.stringify(marker));
    await waitFor(
      () => getDevice(gw, neighbour.id),
      (b) => b.values.alive?.value === marker,
    );
  }

  it("denies subscriptions outside the device's own downlink with SUBACK 0x80", async () => {
    const c = await deviceClient(gw, device);
    expect(await subscribe(c, `devices/${device.id}/downlink/#`)).toBe(1);
    for (const filter of [
      '#',
      '$SYS/#',
      `devices/${neighbour.id}/downlink/#`,
      'devices/+/ds/+',
      `devices/${device.id}/ds/x`,
      'orgs/1/x',
    ]) {
      expect([filter, await subscribe(c, filter)]).toEqual([filter, 128]);
    }
    expect(c.connected).toBe(true);
    await endClient(c);
  });

  it("drops a publish to another device's topics, counts it, and keeps the connection", async () => {
    const before = await metric(gw, 'gateway_mqtt_denied_total{op="publish"}');
    const c = await deviceClient(gw, device);
    const spy = await connectMqtt(gw, {
      username: 'token',
      password: (await gw.app.get(TenancyService).createToken(1, 'spy', ['mqtt.*'])).token,
    });
    expect(await subscribe(spy, 'devices/#')).toBe(1);
    const got = received(spy);
    await publish(c, `devices/${neighbour.id}/ds/hijack`, '1');
    await publish(c, `devices/${device.id}/downlink/x`, '1');
    await publish(c, '$SYS/whatever', '1');
    await publish(c, `devices/${device.id}/ds/ok`, '2');
    await waitFor(
      () => got.length,
      (n) => n >= 1,
    );
    expect(got.map((m) => m.topic)).toEqual([`devices/${device.id}/ds/ok`]);
    expect((await getDevice(gw, neighbour.id)).values.hijack).toBeUndefined();
    expect(await metric(gw, 'gateway_mqtt_denied_total{op="publish"}')).toBe(before + 3);
    expect(c.connected).toBe(true);
    await endClient(c);
    await endClient(spy);
  });

  it('forwards wildcard subscriptions of a service client only for its own org', async () => {
    const tenancy = gw.app.get(TenancyService);
    const org2 = await tenancy.createOrganization('other');
    const other = await tenancy.createToken(org2.id, 'svc', ['all.Organization']);
    const mine = await tenancy.createToken(1, 'svc', ['mqtt.*']);
    const outsider = await connectMqtt(gw, { username: 'token', password: other.token });
    const insider = await connectMqtt(gw, { username: 'token', password: mine.token });
    expect(await subscribe(outsider, 'devices/+/ds/+')).toBe(1);
    expect(await subscribe(outsider, 'orgs/1/#')).toBe(128);
    expect(await subscribe(outsider, `orgs/${org2.id}/#`)).toBe(1);
    expect(await subscribe(insider, 'devices/+/ds/+')).toBe(1);
    const outsiderGot = received(outsider);
    const insiderGot = received(insider);
    const c = await deviceClient(gw, device);
    await publish(c, `devices/${device.id}/ds/temp`, '5');
    await waitFor(
      () => insiderGot.length,
      (n) => n === 1,
    );
    // A marker on the outsider's own org topic: once it arrives, an earlier forwarded message would have too.
    await publish(outsider, `orgs/${org2.id}/marker`, 'm');
    await waitFor(
      () => outsiderGot.some((m) => m.topic.endsWith('/marker')),
      (done) => done,
    );
    expect(outsiderGot.filter((m) => !m.topic.endsWith('/marker'))).toEqual([]);
    // Nor may the outsider write to this org's devices (ingest runs before the PUBACK, so no wait is needed).
    await publish(outsider, `devices/${device.id}/ds/temp`, '999');
    expect((await getDevice(gw, device.id)).values.temp.value).toBe(5);
    await Promise.all([endClient(c), endClient(outsider), endClient(insider)]);
  });

  it('refuses an API token without mqtt scope (0x05) and a bad one (0x04)', async () => {
    const readOnly = await gw.app.get(TenancyService).createToken(1, 'ro', ['devices.get']);
    await expect(connectMqtt(gw, { username: 'token', password: readOnly.token })).rejects.toMatchObject({ code: 5 });
    await expect(connectMqtt(gw, { username: 'token', password: 'gw_nope' })).rejects.toMatchObject({ code: 4 });
  });

  it('refuses with CONNACK 0x05 a CONNECT whose Will Topic its identity may not publish, and counts it', async () => {
    const before = await metric(gw, 'gateway_mqtt_denied_total{op="will"}');
    const topics = [`devices/${neighbour.id}/ds/x`, `devices/${device.id}/downlink/x`, '$SYS/x', 'elsewhere'];
    for (const topic of topics) {
      const will = { topic, payload: Buffer.from('1'), qos: 0 as const, retain: false };
      await expect(deviceClient(gw, device, { will })).rejects.toMatchObject({ code: 5 });
    }
    expect(await metric(gw, 'gateway_mqtt_denied_total{op="will"}')).toBe(before + topics.length);
    // The same CONNECT with a will on its own topic is accepted.
    const own = { topic: `devices/${device.id}/ds/w`, payload: Buffer.from('1'), qos: 0 as const, retain: false };
    await endClient(await deviceClient(gw, device, { will: own }));
  });

  it('publishes and ingests an allowed will when its connection ends without a DISCONNECT', async () => {
    const spy = await connectMqtt(gw, {
      username: 'token',
      password: (await gw.app.get(TenancyService).createToken(1, 'will-spy', ['mqtt.*'])).token,
    });
    expect(await subscribe(spy, `devices/${device.id}/ds/+`)).toBe(1);
    const got = received(spy);
    const topic = `devices/${device.id}/ds/lastWill`;
    const c = await deviceClient(gw, device, { will: { topic, payload: Buffer.from('7'), qos: 1, retain: false } });
    c.stream.destroy();
    await waitFor(
      () => got.length,
      (n) => n >= 1,
    );
    expect(got).toEqual([{ topic, payload: '7' }]);
    expect((await getDevice(gw, device.id)).values.lastWill.value).toBe(7);
    await endClient(spy);
  });

  it('answers an empty client id with CleanSession=0 with CONNACK 0x02 [MQTT-3.1.3-8]', async () => {
    const { socket, received: got, closed } = await rawSocket(gw);
    socket.write(raw.connect('', { username: device.id, password: device.token, clean: false }));
    await closed;
    expect(got.length).toBeGreaterThan(0);
    expect([...Buffer.concat(got)]).toEqual([0x20, 2, 0, 2]);
  });

  async function connectedRaw() {
    const r = await rawSocket(gw);
    r.socket.write(raw.connect(`${device.id}-raw${Math.random()}`, { username: device.id, password: device.token }));
    await waitFor(
      () => r.received.length,
      (n) => n > 0,
    );
    return r;
  }

  it.each([
    [
      'invalid UTF-8 in a topic',
      () => raw.publish(Buffer.concat([Buffer.from(`devices/${'x'}/ds/`), Buffer.from([0xc3, 0x28])]), '1'),
    ],
    ['U+0000 in a topic', () => raw.publish(Buffer.from(`devices/x/ds/a\u0000b`), '1')],
    ['invalid UTF-8 in a filter', () => raw.subscribe(Buffer.from([0x61, 0xff]))],
    ['a packet over MQTT_MAX_PACKET_BYTES', () => raw.publish('devices/x/ds/big', Buffer.alloc(4096, 0x31))],
    ['malformed filter a+', () => raw.subscribe('a+')],
    ['malformed filter ab/+e', () => raw.subscribe('ab/+e')],
    ['malformed filter a#', () => raw.subscribe('a#')],
    ['malformed filter a/#/b', () => raw.subscribe('a/#/b')],
  ])('closes the connection on %s and keeps serving others', async (_name, make) => {
    const { socket, closed } = await connectedRaw();
    socket.write(make());
    await closed;
    await bystanderIsServed();
  });

  it('caps subscriptions per client with SUBACK 0x80', async () => {
    const c = await deviceClient(gw, device);
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push(await subscribe(c, `devices/${device.id}/downlink/${i}`));
    expect(codes).toEqual([1, 1, 1, 128]);
    await endClient(c);
  });

  it.each([
    ['invalid JSON', 'batch', '{"a":'],
    ['a wrong type', 'batch', '[1,2]'],
    ['NaN', 'ds/x', 'NaN'],
    ['Infinity', 'ds/x', '1e999'],
    ['a __proto__ key', 'batch', '{"__proto__":{"polluted":1}}'],
    ['over-deep nesting', 'ds/x', '[[[[[[[[[[[[1]]]]]]]]]]]]'],
    ['an unknown status', 'status', 'sleeping'],
    ['a bad datastream name', 'batch', '{"bad/name":1}'],
  ])('drops %s, counts it by reason, and keeps serving', async (_name, suffix, payload) => {
    const c = await deviceClient(gw, device);
    const before =
      (await (await gw.http().get('/metrics')).text).match(/gateway_messages_dropped_total\{[^}]*\} \d+/g)?.join() ??
      '';
    await publish(c, `devices/${device.id}/${suffix}`, payload);
    await waitFor(
      async () =>
        (await gw.http().get('/metrics')).text.match(/gateway_messages_dropped_total\{[^}]*\} \d+/g)?.join() ?? '',
      (t) => t !== before,
    );
    expect(c.connected).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await bystanderIsServed();
    await endClient(c);
  });
});

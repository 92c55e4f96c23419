import mqtt, { type MqttClient } from 'mqtt';
import { TenancyService } from '../src/tenancy/tenancy.service.js';
import {
  connectMqtt,
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  subscribe,
  type TestGateway,
  waitFor,
} from './support/harness.js';

const collect = (c: MqttClient) => {
  const got: { topic: string; payload: string; retain: boolean }[] = [];
  c.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString(), retain: packet.retain }));
  return got;
};

describe('MQTT_SANDBOX: credential-less clients in an isolated topic space (for conformance suites)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ MQTT_SANDBOX: 'true' });
  });
  afterAll(() => gw.stop());

  it('lets anonymous clients publish and subscribe at every QoS, with retained and will messages', async () => {
    const a = await connectMqtt(gw, { clientId: 'interop-a' });
    const b = await connectMqtt(gw, { clientId: 'interop-b' });
    expect(await subscribe(b, 'TopicA/+')).toBe(1);
    const got = collect(b);
    await publish(a, 'TopicA/B', 'qos0', 0);
    await publish(a, 'TopicA/C', 'qos1', 1);
    await new Promise<void>((r, j) => a.publish('TopicA/D', 'qos2', { qos: 2 }, (e) => (e ? j(e) : r())));
    await waitFor(
      () => got.length,
      (n) => n === 3,
    );
    expect(got.map((m) => m.payload).sort()).toEqual(['qos0', 'qos1', 'qos2']);

    await new Promise<void>((r) => a.publish('Retained/x', 'kept', { qos: 1, retain: true }, () => r()));
    const late = await connectMqtt(gw, { clientId: 'interop-late' });
    const lateGot = collect(late);
    await subscribe(late, 'Retained/#');
    await waitFor(
      () => lateGot.length,
      (n) => n === 1,
    );
    expect(lateGot[0]).toMatchObject({ topic: 'Retained/x', payload: 'kept', retain: true });

    const willed = await connectMqtt(gw, {
      clientId: 'interop-will',
      will: { topic: 'TopicA/will', payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    willed.stream.destroy();
    await waitFor(
      () => got.map((m) => m.payload),
      (p) => p.includes('gone'),
    );
    willed.end(true);
    await Promise.all([endClient(a), endClient(b), endClient(late)]);
  });

  it('keeps sandbox and organizations apart in both directions', async () => {
    const d = await createDevice(gw);
    const dev = await deviceClient(gw, d);
    const anon = await connectMqtt(gw, { clientId: 'interop-spy' });
    expect(await subscribe(anon, '#')).toBe(1);
    expect(await subscribe(anon, '$SYS/#')).toBe(128);
    const anonGot = collect(anon);
    const svc = await connectMqtt(gw, {
      username: 'token',
      password: (await gw.app.get(TenancyService).createToken(1, 's', ['mqtt.*'])).token,
    });
    await subscribe(svc, 'devices/#');
    const svcGot = collect(svc);

    await publish(dev, `devices/${d.id}/ds/secret`, '42');
    await publish(anon, `devices/${d.id}/ds/secret`, '666'); // denied: not the sandbox's namespace
    await publish(anon, 'orgs/1/x', 'nope');
    await publish(anon, 'Sandbox/only', 'hello');
    // Markers published after everything above: once each has arrived, anything forwarded earlier has too.
    await publish(anon, 'Sandbox/marker', 'm');
    await publish(dev, `devices/${d.id}/ds/marker`, 'm');
    await waitFor(
      () => anonGot.some((m) => m.topic === 'Sandbox/marker') && svcGot.some((m) => m.topic.endsWith('/marker')),
      (done) => done,
    );
    expect(anonGot.map((m) => m.topic).filter((t) => t !== 'Sandbox/marker')).toEqual(['Sandbox/only']);
    expect(svcGot.filter((m) => !m.topic.endsWith('/marker')).map((m) => m.payload)).toEqual(['42']);
    await Promise.all([endClient(dev), endClient(anon), endClient(svc)]);
  });
});

describe("what the interop suites check, with default settings (Paho's client_test.py, bench/interop.mjs)", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ MQTT_SANDBOX: 'true' }); // MQTT_MAX_KEEPALIVE_S left at its default
  });
  afterAll(() => gw.stop());

  /** An mqtt.js client and its CONNACK's Session Present flag. */
  const connectSession = (clientId: string, clean: boolean) =>
    new Promise<{ client: MqttClient; sessionPresent: boolean }>((resolve, reject) => {
      const client = mqtt.connect(`mqtt://127.0.0.1:${gw.mqttPort}`, { clientId, clean, reconnectPeriod: 0 });
      client.once('connect', (connack) => resolve({ client, sessionPresent: connack.sessionPresent }));
      client.once('error', reject);
    });

  it('accepts keepalive 0 (the suite connects its second client so; a refusal failed every test)', async () => {
    const c = await connectMqtt(gw, { clientId: 'interop-ka0', keepalive: 0 });
    expect(await subscribe(c, 'KeepAlive/+')).toBe(1);
    await endClient(c);
  });

  it('keeps a persistent session and its queued QoS 1 messages for an offline client [MQTT-3.1.2-4]', async () => {
    const first = await connectSession('interop-offline', false);
    expect(await subscribe(first.client, 'Queue/+')).toBe(1);
    await endClient(first.client);
    const sender = await connectMqtt(gw, { clientId: 'interop-sender' });
    await publish(sender, 'Queue/B', 'while away', 1);
    await endClient(sender);

    const back = await connectSession('interop-offline', false);
    const got = collect(back.client);
    expect(back.sessionPresent).toBe(true); // [MQTT-3.2.2-2]
    await waitFor(
      () => got.map((m) => m.payload),
      (p) => p.includes('while away'),
    );
    await endClient(back.client);
  });

  /** Subscribes `c` to the filters at their QoS, publishes at `qos`, then a marker: the messages before it. */
  async function deliveries(c: MqttClient, subs: Record<string, { qos: 0 | 1 | 2 }>, topic: string, qos: 1 | 2) {
    const got: { topic: string; qos: number }[] = [];
    c.on('message', (t, _p, packet) => got.push({ topic: t, qos: packet.qos }));
    await c.subscribeAsync(subs);
    await c.publishAsync(topic, 'x', { qos });
    await c.publishAsync(`${topic}/marker`, 'after', { qos: 1 }); // delivered after the first: ends the wait
    await waitFor(
      () => got.some((m) => m.topic.endsWith('/marker')),
      (done) => done,
    );
    return got.filter((m) => m.topic === topic).map((m) => m.qos);
  }

  it('delivers one message at the highest QoS of overlapping subscriptions [MQTT-3.3.5-1]', async () => {
    const c = await connectMqtt(gw, { clientId: 'interop-overlap' });
    expect(await deliveries(c, { 'Overlap/#': { qos: 2 }, 'Overlap/+': { qos: 1 } }, 'Overlap/C', 2)).toEqual([2]);
    await endClient(c);
  });

  it('caps a message at the QoS granted to a wildcard subscription [MQTT-3.8.4-6]', async () => {
    // Aedes alone caps only by a subscription named as the topic: this went out at QoS 2.
    const c = await connectMqtt(gw, { clientId: 'interop-cap' });
    expect(await deliveries(c, { 'Cap/#': { qos: 1 } }, 'Cap/B', 2)).toEqual([1]);
    expect(await deliveries(c, { 'Cap0/#': { qos: 0 } }, 'Cap0/B', 2)).toEqual([0]);
    await endClient(c);
  });
});

describe('without MQTT_SANDBOX', () => {
  it('refuses a client without credentials with CONNACK 0x04', async () => {
    const gw = await startTestGateway();
    try {
      await expect(connectMqtt(gw, { clientId: 'anon' })).rejects.toMatchObject({ code: 4 });
    } finally {
      await gw.stop();
    }
  });
});

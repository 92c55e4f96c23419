import type { MqttClient } from 'mqtt';
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

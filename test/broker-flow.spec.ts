import type { MqttClient } from 'mqtt';
import mqttPacket, { type Packet } from 'mqtt-packet';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import {
  ADMIN_TOKEN,
  connectMqtt,
  createDevice,
  deviceClient,
  endClient,
  mqttConnections,
  publish,
  raw,
  rawSocket,
  startTestGateway,
  type TestGateway,
  waitFor,
} from './support/harness.js';

const metric = async (gw: TestGateway, line: string) => {
  const text = (await gw.http().get('/metrics')).text;
  const m = text.split('\n').find((l) => l.startsWith(line));
  return m ? Number(m.slice(line.length).trim()) : 0;
};

/** A raw client that reads the packets the broker sends it, decoded, and sees its close. */
async function rawClient(gw: TestGateway) {
  const { socket, closed } = await rawSocket(gw);
  const packets: Packet[] = [];
  const parser = mqttPacket.parser();
  parser.on('packet', (p) => packets.push(p));
  socket.on('data', (d) => parser.parse(d));
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  return { socket, packets, closed, isClosed: () => isClosed };
}

/** Subscribes as a service client, then stops reading its socket: the broker's writes to it pile up. */
async function frozenSubscriber(gw: TestGateway, filter: string) {
  const c = await rawClient(gw);
  c.socket.write(raw.connect(`frozen-${Date.now()}`, { username: 'token', password: ADMIN_TOKEN }));
  c.socket.write(raw.subscribe(filter));
  await waitFor(
    () => c.packets.map((p) => p.cmd).join(),
    (s) => s === 'connack,suback',
  );
  c.socket.pause();
  // What it had been sent ends with the gateway's close.
  return { gone: () => (c.socket.resume(), c.closed) };
}

/** The same over WebSocket: its TCP socket under the WebSocket stops being read. */
async function frozenWsSubscriber(gw: TestGateway, filter: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${gw.httpPort}/mqtt`, 'mqtt');
  await new Promise((r) => ws.once('open', r));
  ws.on('error', () => {});
  let bytes = 0;
  ws.on('message', (d: Buffer) => (bytes += d.length));
  ws.send(raw.connect(`frozen-ws-${Date.now()}`, { username: 'token', password: ADMIN_TOKEN }));
  ws.send(raw.subscribe(filter));
  await waitFor(
    () => bytes,
    (n) => n >= 9, // CONNACK and SUBACK
  );
  const socket = (ws as unknown as { _socket: Socket })._socket;
  socket.pause();
  const closed = new Promise((r) => ws.once('close', r));
  return { gone: () => (socket.resume(), closed) };
}

/** Receives every message on `filter` as a service client. */
async function healthySubscriber(gw: TestGateway, filter: string, qos: 0 | 1) {
  const client = await connectMqtt(gw, { username: 'token', password: ADMIN_TOKEN });
  await client.subscribeAsync(filter, { qos });
  const got: string[] = [];
  client.on('message', (_topic, payload) => got.push(payload.subarray(0, 12).toString()));
  return { client, got };
}

/**
 * Publishes 4 KB messages numbered from `from` in batches, each batch once the healthy subscriber has all the
 * earlier ones, until `done()` (or 10,000 messages). Returns how many were sent in all.
 */
async function publishUntil(
  pub: MqttClient,
  topic: string,
  qos: 0 | 1,
  got: string[],
  done: () => Promise<boolean>,
  from = 0,
) {
  const filler = 'x'.repeat(4096);
  let sent = from;
  while (sent < 10000 && !(await done())) {
    const batch = [];
    for (let i = 0; i < 100; i++, sent++)
      batch.push(publish(pub, topic, `${String(sent).padStart(12, '0')}${filler}`, qos));
    await Promise.all(batch);
    await waitFor(
      () => got.length,
      (n) => n >= sent,
      10000,
    );
  }
  return sent;
}

const numbered = (n: number) => Array.from({ length: n }, (_, i) => String(i).padStart(12, '0'));

describe('broker flow: one slow subscriber never slows the others', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      MQTT_MAX_QUEUED_QOS0_BYTES: '16384',
      MQTT_MAX_QUEUED_BYTES: '4194304',
      MQTT_DRAIN_TIMEOUT_MS: '1500',
    });
  });
  afterAll(() => gw.stop());

  it.each([
    ['TCP', frozenSubscriber],
    ['WebSocket', frozenWsSubscriber],
  ])(
    'drops QoS 0 to a %s subscriber that stops reading, closes it at the drain timeout; the healthy one gets all',
    async (_, freeze) => {
      const d = await createDevice(gw);
      const pub = await deviceClient(gw, d);
      const healthy = await healthySubscriber(gw, 'devices/+/ds/+', 0);
      const frozen = await freeze(gw, 'devices/+/ds/+');
      const dropsBefore = await metric(gw, 'gateway_mqtt_slow_consumer_dropped_total{org="1"}');
      const closesBefore = await metric(gw, 'gateway_mqtt_flow_closed_total{reason="drain_timeout"}');
      const connections = await mqttConnections(gw);

      // Until the gateway has closed the frozen subscriber (it counts one connection fewer), then one batch more.
      const sent = await publishUntil(pub, `devices/${d.id}/ds/level`, 0, healthy.got, async () => {
        return (await mqttConnections(gw)) < connections;
      });
      const more = async () => healthy.got.length > sent;
      await publishUntil(pub, `devices/${d.id}/ds/level`, 0, healthy.got, more, sent);

      expect(healthy.got).toEqual(numbered(healthy.got.length));
      expect(healthy.got.length).toBeGreaterThan(sent);
      expect(await metric(gw, 'gateway_mqtt_slow_consumer_dropped_total{org="1"}')).toBeGreaterThan(dropsBefore);
      expect(await metric(gw, 'gateway_mqtt_flow_closed_total{reason="drain_timeout"}')).toBe(closesBefore + 1);
      await frozen.gone();
      await endClient(pub);
      await endClient(healthy.client);
    },
  );
});

describe('broker flow: QoS 1 to a slow subscriber is queued up to MQTT_MAX_QUEUED_BYTES', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      MQTT_MAX_QUEUED_QOS0_BYTES: '16384',
      MQTT_MAX_QUEUED_BYTES: '262144',
      MQTT_DRAIN_TIMEOUT_MS: '600000',
    });
  });
  afterAll(() => gw.stop());

  it('closes the subscriber past the bound (queue_full) while the publisher and the healthy one go on', async () => {
    const d = await createDevice(gw);
    const pub = await deviceClient(gw, d);
    const healthy = await healthySubscriber(gw, 'devices/+/ds/+', 1);
    await frozenSubscriber(gw, 'devices/+/ds/+');
    const before = await metric(gw, 'gateway_mqtt_flow_closed_total{reason="queue_full"}');
    const connections = await mqttConnections(gw);

    const sent = await publishUntil(pub, `devices/${d.id}/ds/level`, 1, healthy.got, async () => {
      return (await mqttConnections(gw)) < connections;
    });

    expect(sent).toBeLessThan(10000);
    expect(healthy.got).toEqual(numbered(sent));
    expect(await metric(gw, 'gateway_mqtt_flow_closed_total{reason="queue_full"}')).toBe(before + 1);
    await endClient(pub);
    await endClient(healthy.client);
  });
});

describe('broker flow: inbound QoS 2 awaiting PUBREL is bounded per connection', () => {
  let gw: TestGateway;
  let d: { id: string; token: string };
  beforeAll(async () => {
    gw = await startTestGateway({
      MQTT_MAX_PACKET_BYTES: '16384',
      MQTT_MAX_INFLIGHT_QOS2: '5',
      MQTT_MAX_INFLIGHT_QOS2_BYTES: '40000',
    });
    d = await createDevice(gw);
  });
  afterAll(() => gw.stop());

  const qos2 = (messageId: number, payload: string) =>
    mqttPacket.generate({
      cmd: 'publish',
      qos: 2,
      messageId,
      topic: `devices/${d.id}/ds/blob`,
      payload: JSON.stringify(payload),
      retain: false,
      dup: false,
    });
  const pubrel = (messageId: number) => mqttPacket.generate({ cmd: 'pubrel', messageId });
  const acks = (c: { packets: Packet[] }, cmd: string) =>
    c.packets.filter((p) => p.cmd === cmd).map((p) => (p as { messageId?: number }).messageId);

  async function connected() {
    const c = await rawClient(gw);
    c.socket.write(raw.connect(`${d.id}-q2-${Date.now()}`, { username: d.id, password: d.token }));
    await waitFor(
      () => c.packets.length,
      (n) => n === 1,
    );
    return c;
  }
  const send = (socket: Socket, ...packets: Buffer[]) => socket.write(Buffer.concat(packets));

  it('closes a connection whose unreleased QoS 2 messages pass the byte bound; PUBREL frees their room', async () => {
    const before = await metric(gw, 'gateway_mqtt_flow_closed_total{reason="qos2_inflight_bytes"}');
    const c = await connected();
    const tenKb = 'b'.repeat(10000);
    send(c.socket, qos2(1, tenKb), qos2(2, tenKb), qos2(3, tenKb));
    await waitFor(
      () => acks(c, 'pubrec').join(),
      (s) => s === '1,2,3',
    );
    // Released: their bytes no longer count, and a retransmission of a held id costs nothing.
    // (A PUBLISH in the same read as the PUBRELs would be checked before they are handled.)
    send(c.socket, pubrel(1), pubrel(2), pubrel(3));
    await waitFor(
      () => acks(c, 'pubcomp').join(),
      (s) => s === '1,2,3',
    );
    send(c.socket, qos2(4, tenKb), qos2(5, tenKb), qos2(6, tenKb));
    await waitFor(
      () => acks(c, 'pubrec').length,
      (n) => n === 6,
    );
    send(c.socket, qos2(6, tenKb));
    await waitFor(
      () => acks(c, 'pubrec').length,
      (n) => n === 7,
    );
    expect(c.isClosed()).toBe(false);

    send(c.socket, qos2(7, tenKb)); // 4 x 10 KB held: past 40,000 bytes
    await c.closed;
    expect(acks(c, 'pubrec')).not.toContain(7);
    expect(await metric(gw, 'gateway_mqtt_flow_closed_total{reason="qos2_inflight_bytes"}')).toBe(before + 1);
  });

  it('closes a connection past MQTT_MAX_INFLIGHT_QOS2 unreleased QoS 2 messages, sent in one write', async () => {
    const before = await metric(gw, 'gateway_mqtt_flow_closed_total{reason="qos2_inflight"}');
    const c = await connected();
    send(c.socket, ...[1, 2, 3, 4, 5, 6].map((id) => qos2(id, 'x')));
    await c.closed;
    expect(acks(c, 'pubrec')).not.toContain(6);
    expect(await metric(gw, 'gateway_mqtt_flow_closed_total{reason="qos2_inflight"}')).toBe(before + 1);
  });
});

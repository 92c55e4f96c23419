import mqtt from 'mqtt';
import WebSocket from 'ws';
import { createDevice, raw, startTestGateway, type TestGateway } from './support/harness.js';

describe('security: MQTT over WebSocket caps frames at MQTT_MAX_PACKET_BYTES', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ MQTT_MAX_PACKET_BYTES: '4096' });
  });
  afterAll(() => gw.stop());

  it('closes a connection sending a frame above the cap with 1009, and keeps serving', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.httpPort}/mqtt`, 'mqtt');
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    ws.on('error', () => {});
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    // One 8 MB frame: refused from its header (ws reads the length first), never buffered.
    ws.send(Buffer.alloc(8 * 1024 * 1024, 0x30));
    expect(await closed).toBe(1009);

    await gw.http().get('/health').expect(200);
    const d = await createDevice(gw);
    const c = await mqtt.connectAsync(`ws://127.0.0.1:${gw.httpPort}/mqtt`, {
      username: d.id,
      password: d.token,
      reconnectPeriod: 0,
    });
    expect(c.connected).toBe(true);
    await c.endAsync();
  });

  /** A WebSocket to the MQTT path offering `protocols`, open. */
  async function open(protocols: string[]): Promise<WebSocket> {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.httpPort}/mqtt`, protocols);
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    ws.on('error', () => {});
    return ws;
  }

  it('[MQTT-6.0.0-1] closes a connection sending MQTT in a text frame, unanswered', async () => {
    const d = await createDevice(gw);
    const ws = await open(['mqtt']);
    const received: Buffer[] = [];
    ws.on('message', (m: Buffer) => received.push(m));
    const closed = new Promise((r) => ws.once('close', r));
    ws.send(raw.connect('text-frame', { username: d.id, password: d.token }).toString('latin1'), { binary: false });
    await closed;
    expect(received).toEqual([]);
    // The same CONNECT in a binary frame is answered.
    const ok = await open(['mqtt']);
    const answer: number[] = [];
    const connack = new Promise((r) =>
      ok.on('message', (m: Buffer) => {
        answer.push(...m); // a packet may come in several frames [MQTT-6.0.0-2]
        if (answer.length >= 4) r(null);
      }),
    );
    ok.send(raw.connect('binary-frame', { username: d.id, password: d.token }));
    await connack;
    expect(answer).toEqual([0x20, 2, 0, 0]);
    ok.close();
  });

  it('[MQTT-6.0.0-4] selects the subprotocol "mqtt" when the client offers it, wherever in its list', async () => {
    const ws = await open(['mqttv3.1', 'mqtt']);
    expect(ws.protocol).toBe('mqtt');
    ws.close();
    const legacy = await open(['mqttv3.1']);
    expect(legacy.protocol).toBe('mqttv3.1');
    legacy.close();
  });
});

import mqtt from 'mqtt';
import WebSocket from 'ws';
import { createDevice, startTestGateway, type TestGateway } from './support/harness.js';

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
});

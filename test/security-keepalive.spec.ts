import {
  connectMqtt,
  createDevice,
  endClient,
  raw,
  rawSocket,
  startTestGateway,
  type TestGateway,
} from './support/harness.js';

async function connack(gw: TestGateway, packet: Buffer): Promise<number[]> {
  const { socket, received, closed } = await rawSocket(gw);
  socket.write(packet);
  await new Promise<void>((resolve) => {
    const check = () => (Buffer.concat(received).length >= 4 ? resolve() : undefined);
    socket.on('data', check);
    void closed.then(() => resolve());
  });
  socket.destroy();
  return [...Buffer.concat(received)];
}

describe('security: MQTT keepalive (Mosquitto max_keepalive semantics, off by default)', () => {
  let gw: TestGateway;
  let limited: TestGateway;
  let d: { id: string; token: string };
  beforeAll(async () => {
    gw = await startTestGateway();
    limited = await startTestGateway({ MQTT_MAX_KEEPALIVE_S: '120' });
    d = await createDevice(gw);
  });
  afterAll(async () => {
    await gw.stop();
    await limited.stop();
  });

  it('accepts keepalive 0 by default (interop: the rule is off unless MQTT_MAX_KEEPALIVE_S is set)', async () => {
    expect(await connack(gw, raw.connect('ka0', { username: d.id, password: d.token, keepalive: 0 }))).toEqual([
      0x20, 2, 0, 0,
    ]);
    const ok = await connectMqtt(gw, { username: d.id, password: d.token, keepalive: 0 });
    expect(ok.connected).toBe(true);
    await endClient(ok);
  });

  it('with MQTT_MAX_KEEPALIVE_S set, refuses keepalive 0 and one above it with 0x02, and accepts one at it', async () => {
    const e = await createDevice(limited);
    expect(await connack(limited, raw.connect('ka0', { username: e.id, password: e.token, keepalive: 0 }))).toEqual([
      0x20, 2, 0, 2,
    ]);
    await expect(connectMqtt(limited, { username: e.id, password: e.token, keepalive: 0 })).rejects.toMatchObject({
      code: 2,
    });
    expect(await connack(limited, raw.connect('ka121', { username: e.id, password: e.token, keepalive: 121 }))).toEqual(
      [0x20, 2, 0, 2],
    );
    expect(await connack(limited, raw.connect('ka120', { username: e.id, password: e.token, keepalive: 120 }))).toEqual(
      [0x20, 2, 0, 0],
    );
  });
});

import { createDevice, rawSocket, startTestGateway, type TestGateway, waitFor } from './support/harness.js';

// Raw MQTT 3.1.1 bytes for the malformed packets mqtt.js refuses to send. Each case cites the normative
// statement it enforces; the gateway must close the connection (with CONNACK 0x01/0x02 where required).

const u16 = (n: number) => Buffer.from([n >> 8, n & 255]);
const str = (s: Buffer | string) => {
  const b = Buffer.from(s);
  return Buffer.concat([u16(b.length), b]);
};
function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 128;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}
const packet = (header: number, body: Buffer) => Buffer.concat([Buffer.from([header]), varint(body.length), body]);

interface ConnectOpts {
  name?: string;
  level?: number;
  flags?: number; // overrides the computed flags byte
  clientId?: Buffer | string;
  clean?: boolean;
  keepalive?: number;
  will?: { topic: Buffer | string; message?: string; qos?: number; retain?: boolean };
  username?: Buffer | string;
  password?: string;
}
function connect(o: ConnectOpts): Buffer {
  let flags = (o.clean === false ? 0 : 0x02) | (o.username !== undefined ? 0x80 : 0) | (o.password ? 0x40 : 0);
  if (o.will) flags |= 0x04 | ((o.will.qos ?? 0) << 3) | (o.will.retain ? 0x20 : 0);
  const parts = [str(o.name ?? 'MQTT'), Buffer.from([o.level ?? 4, o.flags ?? flags]), u16(o.keepalive ?? 60)];
  parts.push(str(o.clientId ?? `c${Math.random().toString(36).slice(2, 10)}`));
  if (o.will) parts.push(str(o.will.topic), str(o.will.message ?? 'bye'));
  if (o.username !== undefined) parts.push(str(o.username));
  if (o.password) parts.push(str(o.password));
  return packet(0x10, Buffer.concat(parts));
}

/**
 * Writes each chunk once the server has answered everything before it with at least `answers[i]` bytes;
 * resolves once the server closed the connection, with everything it sent.
 */
async function closedAfter(gw: TestGateway, ...chunks: Buffer[]): Promise<number[]> {
  const { socket, received, closed } = await rawSocket(gw);
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  for (const [i, c] of chunks.entries()) {
    // After the first chunk (a CONNECT), wait for its CONNACK (or the close) before sending the next.
    if (i > 0) await waitFor(() => Buffer.concat(received).length >= 4 || isClosed, Boolean);
    socket.write(c);
  }
  await closed;
  return [...Buffer.concat(received)];
}

const CONNACK_OK = [0x20, 2, 0, 0];

describe('security: MQTT 3.1.1 malformed packets are refused as the spec requires (as strict as Mosquitto)', () => {
  let gw: TestGateway;
  let device: { id: string; token: string };
  beforeAll(async () => {
    gw = await startTestGateway({ MQTT_SANDBOX: 'true' });
    device = await createDevice(gw);
  });
  afterAll(() => gw.stop());

  // Every CONNECT rule holds on both login paths: device credentials, and the credential-less sandbox.
  const paths: [string, () => Partial<ConnectOpts>][] = [
    ['device login', () => ({ username: device.id, password: device.token })],
    ['sandbox login', () => ({})],
  ];

  describe.each(paths)('CONNECT, %s', (_path, creds) => {
    it.each([2, 6, 3])(
      '[MQTT-3.1.2-2] protocol level %i for "MQTT" gets CONNACK 0x01, then the close',
      async (level) => {
        expect(await closedAfter(gw, connect({ ...creds(), level }))).toEqual([0x20, 2, 0, 1]);
      },
    );

    it('[MQTT-3.1.2-2] "MQIsdp" with level 4 gets CONNACK 0x01', async () => {
      expect(await closedAfter(gw, connect({ ...creds(), name: 'MQIsdp', level: 4 }))).toEqual([0x20, 2, 0, 1]);
    });

    it('[MQTT-3.1.2-1] an unknown protocol name is closed without CONNACK', async () => {
      expect(await closedAfter(gw, connect({ ...creds(), name: 'MQTX' }))).toEqual([]);
    });

    it('[MQTT-3.1.2-3] the reserved flag bit set is closed without CONNACK', async () => {
      const c = creds();
      const flags = 0x02 | 0x01 | (c.username ? 0xc0 : 0);
      expect(await closedAfter(gw, connect({ ...c, flags }))).toEqual([]);
    });

    it('[MQTT-3.1.2-14] a Will QoS of 3 is closed without CONNACK', async () => {
      expect(await closedAfter(gw, connect({ ...creds(), will: { topic: 'w/t', qos: 3 } }))).toEqual([]);
    });

    it('[MQTT-3.1.2-13] [MQTT-3.1.2-15] Will QoS or Will Retain without the Will flag is closed', async () => {
      const c = creds();
      const base = 0x02 | (c.username ? 0xc0 : 0);
      expect(await closedAfter(gw, connect({ ...c, flags: base | 0x08 }))).toEqual([]);
      expect(await closedAfter(gw, connect({ ...c, flags: base | 0x20 }))).toEqual([]);
    });

    it.each([
      ['U+0000', Buffer.from('w/a\u0000b')],
      ['ill-formed UTF-8', Buffer.from([0x77, 0x2f, 0xc3, 0x28])],
    ])('[MQTT-1.5.3-1] [MQTT-1.5.3-2] a Will topic with %s is closed without CONNACK', async (_what, topic) => {
      expect(await closedAfter(gw, connect({ ...creds(), will: { topic } }))).toEqual([]);
    });

    // §1.5.3: a receiver MAY close on control characters and non-characters; Mosquitto does (utf8_mosq.c).
    it.each([
      ['U+0001', Buffer.from('w/\u0001')],
      ['U+001F', Buffer.from('w/\u001f')],
      ['U+007F', Buffer.from('w/\u007f')],
      ['U+0080', Buffer.from('w/\u0080')],
      ['U+009F', Buffer.from('w/\u009f')],
      ['U+FDD0', Buffer.from('w/\ufdd0')],
      ['U+FFFE', Buffer.from('w/\ufffe')],
      ['U+1FFFF', Buffer.from([0x77, 0x2f, 0xf0, 0x9f, 0xbf, 0xbf])],
    ])('[§1.5.3] a client id or Will topic with %s is closed without CONNACK', async (_what, bad) => {
      expect(await closedAfter(gw, connect({ ...creds(), clientId: bad }))).toEqual([]);
      expect(await closedAfter(gw, connect({ ...creds(), will: { topic: bad } }))).toEqual([]);
    });

    it('[MQTT-3.1.4-1] a malformed MQTT 5 CONNECT is closed without CONNACK; a well-formed one gets 0x01', async () => {
      // Level 5 with an empty property list (0) after the keepalive, then the client id.
      const v5 = (tail: Buffer) =>
        packet(0x10, Buffer.concat([str('MQTT'), Buffer.from([5, 0x02]), u16(60), Buffer.from([0]), str('c5'), tail]));
      expect(await closedAfter(gw, v5(Buffer.alloc(0)))).toEqual([0x20, 2, 0, 1]);
      expect(await closedAfter(gw, v5(str('stray')))).toEqual([]);
    });

    it('[MQTT-3.1.3-4] [MQTT-1.5.3-1] a client id of ill-formed UTF-8 is closed without CONNACK', async () => {
      expect(await closedAfter(gw, connect({ ...creds(), clientId: Buffer.from([0xff, 0xfe]) }))).toEqual([]);
    });

    it('[MQTT-3.1.3-8] an empty client id with CleanSession=0 gets CONNACK 0x02', async () => {
      expect(await closedAfter(gw, connect({ ...creds(), clientId: '', clean: false }))).toEqual([0x20, 2, 0, 2]);
    });

    it('[MQTT-3.1.2-22] a password flag without the user name flag is closed without CONNACK', async () => {
      expect(await closedAfter(gw, connect({ flags: 0x02 | 0x40, password: 'secret' }))).toEqual([]);
    });

    it('[MQTT-3.1.0-2] a second CONNECT is closed', async () => {
      const c = creds();
      const got = await closedAfter(gw, connect(c), connect(c));
      expect(got.slice(0, 4)).toEqual(CONNACK_OK);
    });
  });

  it('[MQTT-3.1.2-18] a user name present without its flag is closed without CONNACK', async () => {
    const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0x02]), u16(60), str('c-stray'), str('user')]);
    expect(await closedAfter(gw, packet(0x10, body))).toEqual([]);
  });

  it('[§1.5.3] a user name with a control character is closed without CONNACK', async () => {
    expect(await closedAfter(gw, connect({ username: 'a\u0007b', password: 'x' }))).toEqual([]);
  });

  it('[MQTT-3.1.2-22] [MQTT-1.5.3-2] a user name with U+0000 is closed without CONNACK', async () => {
    expect(await closedAfter(gw, connect({ username: 'a\u0000b', password: 'x' }))).toEqual([]);
  });

  // After a good CONNECT (device path): packets with bad flags, zero ids, empty or malformed payloads.
  const mid = (n: number) => u16(n);
  it.each([
    ['[MQTT-2.2.2-1] [MQTT-2.2.2-2] PINGREQ with a flag bit set', Buffer.from([0xc1, 0])],
    ['[MQTT-2.2.2-2] PUBACK with a flag bit set', packet(0x41, mid(1))],
    ['[MQTT-3.6.1-1] PUBREL with flags 0000', packet(0x60, mid(1))],
    ['[MQTT-3.8.1-1] SUBSCRIBE with flags 0000', packet(0x80, Buffer.concat([mid(1), str('a/b'), Buffer.from([0])]))],
    ['[MQTT-3.10.1-1] UNSUBSCRIBE with flags 0000', packet(0xa0, Buffer.concat([mid(1), str('a/b')]))],
    [
      '[MQTT-2.3.1-1] SUBSCRIBE with packet identifier 0',
      packet(0x82, Buffer.concat([mid(0), str('a/b'), Buffer.from([0])])),
    ],
    ['[MQTT-2.3.1-1] UNSUBSCRIBE with packet identifier 0', packet(0xa2, Buffer.concat([mid(0), str('a/b')]))],
    [
      '[MQTT-2.3.1-1] PUBLISH QoS 1 with packet identifier 0',
      packet(0x32, Buffer.concat([str('a/b'), mid(0), Buffer.from('x')])),
    ],
    ['[MQTT-2.3.1-1] PUBACK with packet identifier 0', packet(0x40, mid(0))],
    ['[MQTT-3.8.3-3] SUBSCRIBE without a topic filter', packet(0x82, mid(1))],
    ['[MQTT-3.10.3-2] UNSUBSCRIBE without a topic filter', packet(0xa2, mid(1))],
    [
      '[MQTT-3-8.3-4] SUBSCRIBE with reserved bits in the QoS byte',
      packet(0x82, Buffer.concat([mid(1), str('a/b'), Buffer.from([0x04])])),
    ],
    [
      '[MQTT-3-8.3-4] SUBSCRIBE with requested QoS 3',
      packet(0x82, Buffer.concat([mid(1), str('a/b'), Buffer.from([3])])),
    ],
    ['[MQTT-3.8.3-1] SUBSCRIBE with a filter missing its QoS byte', packet(0x82, Buffer.concat([mid(1), str('a/b')]))],
    ['[MQTT-3.3.1-4] PUBLISH with QoS 3', packet(0x36, Buffer.concat([str('a/b'), mid(1), Buffer.from('x')]))],
    ['[MQTT-3.3.1-2] PUBLISH QoS 0 with DUP set', packet(0x38, Buffer.concat([str('a/b'), Buffer.from('x')]))],
    ['[MQTT-2.2.1] reserved packet type 0', Buffer.from([0x00, 0])],
    ['[MQTT-2.2.1] reserved packet type 15', Buffer.from([0xf0, 0])],
    ['[MQTT-2.2.1] a server-to-client packet (CONNACK) from a client', Buffer.from([0x20, 2, 0, 0])],
    ['[MQTT-3.12] PINGREQ with a payload', Buffer.from([0xc0, 1, 0])],
    ['[§1.5.3] PUBLISH topic with U+0001', packet(0x30, Buffer.concat([str('a/\u0001'), Buffer.from('x')]))],
    ['[§1.5.3] PUBLISH topic with U+009F', packet(0x30, Buffer.concat([str('a/\u009f'), Buffer.from('x')]))],
    [
      '[§1.5.3] PUBLISH QoS 1 topic with U+FFFF',
      packet(0x32, Buffer.concat([str('a/\uffff'), mid(1), Buffer.from('x')])),
    ],
    ['[§1.5.3] SUBSCRIBE filter with U+001F', packet(0x82, Buffer.concat([mid(1), str('a/\u001f'), Buffer.from([0])]))],
    ['[§1.5.3] UNSUBSCRIBE filter with U+007F', packet(0xa2, Buffer.concat([mid(1), str('a/\u007f')]))],
    [
      '[MQTT-1.5.3-1] UNSUBSCRIBE filter with a surrogate',
      packet(0xa2, Buffer.concat([mid(1), str(Buffer.from([0xed, 0xa0, 0x80]))])),
    ],
    ['[MQTT-4.7.1-3] UNSUBSCRIBE filter a+', packet(0xa2, Buffer.concat([mid(1), str('a+')]))],
    ['[MQTT-4.7.1-3] UNSUBSCRIBE filter +a/b', packet(0xa2, Buffer.concat([mid(1), str('+a/b')]))],
    ['[MQTT-4.7.1-2] UNSUBSCRIBE filter a/#/b', packet(0xa2, Buffer.concat([mid(1), str('a/#/b')]))],
    ['[MQTT-4.7.1-2] UNSUBSCRIBE filter a#', packet(0xa2, Buffer.concat([mid(1), str('a#')]))],
    ['[MQTT-4.7.1-2] SUBSCRIBE filter #/a', packet(0x82, Buffer.concat([mid(1), str('#/a'), Buffer.from([0])]))],
  ])('%s is closed', async (_name, bad) => {
    const got = await closedAfter(gw, connect({ username: device.id, password: device.token }), bad);
    expect(got.slice(0, 4)).toEqual(CONNACK_OK);
    // Nothing but the CONNACK: the bad packet was not answered.
    expect(got.length).toBe(4);
  });

  it('still accepts well-formed packets of every kind', async () => {
    const { socket, received } = await rawSocket(gw);
    const bytes = () => [...Buffer.concat(received)];
    const exchange = async (out: Buffer, answer: number[]) => {
      const before = bytes().length;
      socket.write(out);
      await waitFor(bytes, (b) => b.length >= before + answer.length);
      expect(bytes().slice(before)).toEqual(answer);
    };
    await exchange(connect({ username: device.id, password: device.token }), CONNACK_OK);
    await exchange(
      packet(0x82, Buffer.concat([mid(7), str(`devices/${device.id}/downlink/#`), Buffer.from([1])])),
      [0x90, 3, 0, 7, 1],
    );
    await exchange(
      packet(0x32, Buffer.concat([str(`devices/${device.id}/ds/x`), mid(8), Buffer.from('1')])),
      [0x40, 2, 0, 8],
    );
    await exchange(packet(0xa2, Buffer.concat([mid(9), str(`devices/${device.id}/downlink/#`)])), [0xb0, 2, 0, 9]);
    await exchange(Buffer.from([0xc0, 0]), [0xd0, 0]);
    // Characters a string may hold: U+00A0 (after the C1 controls), U+FFFD, U+FDCF, U+10000, and wildcards
    // alone in their levels.
    for (const [i, key] of ['\u00a0', '\ufffd', '\ufdcf', '\u{10000}', 'é'].entries()) {
      const id = 20 + i;
      await exchange(packet(0x32, Buffer.concat([str(`devices/${device.id}/ds/${key}`), mid(id), Buffer.from('1')])), [
        0x40,
        2,
        0,
        id,
      ]);
    }
    await exchange(packet(0xa2, Buffer.concat([mid(30), str('+/+/#')])), [0xb0, 2, 0, 30]);
    socket.destroy();
  });
});

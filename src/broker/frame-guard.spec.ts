import { FrameGuard } from './frame-guard.js';

const str = (b: Buffer) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]);
const publish = (topic: Buffer, payload = Buffer.from('1')) => {
  const body = Buffer.concat([str(topic), payload]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
};

const CONNECT = Buffer.from([0x10, 12, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 60, 0, 0]);
/** A guard that has seen a CONNECT ([MQTT-3.1.0-1]: every other packet comes after one). */
const connected = (max = 1024) => {
  const g = new FrameGuard(max);
  expect(g.check(CONNECT)).toBe(true);
  return g;
};

describe('FrameGuard', () => {
  it('passes well-formed packets, also split at every byte boundary', () => {
    const bytes = Buffer.concat([publish(Buffer.from('devices/ä/ds/x')), publish(Buffer.from('a/b'))]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const g = connected();
      expect([cut, g.check(bytes.subarray(0, cut)) && g.check(bytes.subarray(cut))]).toEqual([cut, true]);
    }
  });

  it('refuses ill-formed UTF-8 and U+0000 in a topic, even split across chunks', () => {
    const bad = publish(Buffer.from([0x61, 0xc3, 0x28]));
    const g = connected();
    expect(g.check(bad.subarray(0, 5)) && g.check(bad.subarray(5))).toBe(false);
    expect(g.error).toContain('UTF-8');
    const nul = connected();
    expect(nul.check(publish(Buffer.from('a\u0000b')))).toBe(false);
    expect(nul.error).toContain('U+0000');
  });

  it('refuses an oversized packet from its header alone', () => {
    const g = connected(100);
    expect(g.check(Buffer.from([0x30, 0xe8, 0x07]))).toBe(false); // remaining length 1000
    expect(g.error).toContain('exceeds the 100-byte limit');
  });

  it('checks every filter of a SUBSCRIBE', () => {
    const body = Buffer.concat([
      Buffer.from([0, 1]),
      str(Buffer.from('ok/#')),
      Buffer.from([0]),
      str(Buffer.from([0xff])),
      Buffer.from([0]),
    ]);
    const g = connected();
    expect(g.check(Buffer.concat([Buffer.from([0x82, body.length]), body]))).toBe(false);
  });

  const pkt = (header: number, body: number[] | Buffer) =>
    Buffer.concat([Buffer.from([header, Buffer.from(body).length]), Buffer.from(body)]);

  it('passes a whole well-formed 3.1.1 session split at every byte boundary', () => {
    const will = Buffer.concat([str(Buffer.from('w/t')), str(Buffer.from('bye'))]);
    const connectBody = Buffer.concat([
      str(Buffer.from('MQTT')),
      Buffer.from([4, 0xc2 | 0x04 | 0x08, 0, 60]),
      str(Buffer.from('client-ä')),
      will,
      str(Buffer.from('user')),
      str(Buffer.from('pass')),
    ]);
    const bytes = Buffer.concat([
      pkt(0x10, connectBody),
      pkt(0x82, Buffer.concat([Buffer.from([0, 1]), str(Buffer.from('a/#')), Buffer.from([2])])),
      pkt(0x32, Buffer.concat([str(Buffer.from('a/b')), Buffer.from([0, 2]), Buffer.from('x')])),
      pkt(0x40, [0, 3]),
      pkt(0x62, [0, 4]),
      pkt(0xa2, Buffer.concat([Buffer.from([0, 5]), str(Buffer.from('a/#'))])),
      Buffer.from([0xc0, 0, 0xe0, 0]),
    ]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const g = new FrameGuard(1024);
      expect([cut, g.check(bytes.subarray(0, cut)) && g.check(bytes.subarray(cut)), g.error]).toEqual([
        cut,
        true,
        null,
      ]);
    }
  });

  it('passes packets fed one byte at a time, with a two-byte remaining length, and still refuses a bad topic', () => {
    const long = Buffer.from(`devices/${'x'.repeat(200)}/ds/t`);
    const body = Buffer.concat([str(long), Buffer.from([0, 7]), Buffer.from('payload')]);
    const qos1 = Buffer.concat([Buffer.from([0x32, 0x80 | (body.length & 0x7f), body.length >> 7]), body]);
    const g = connected();
    for (const b of Buffer.concat([qos1, publish(Buffer.from('a/b')), Buffer.from([0xc0, 0])]))
      expect([b, g.check(Buffer.from([b])), g.error]).toEqual([b, true, null]);
    const bad = Buffer.from(long);
    bad[150] = 0xff; // ill-formed UTF-8 deep inside the topic, in a piece of its own
    const badBody = Buffer.concat([str(bad), Buffer.from([0, 8])]);
    const refused = Buffer.concat([Buffer.from([0x32, 0x80 | (badBody.length & 0x7f), badBody.length >> 7]), badBody]);
    const h = connected();
    const results = [...refused].map((b) => h.check(Buffer.from([b])));
    expect([results.includes(false), h.error]).toEqual([true, 'topic is not well-formed UTF-8 [MQTT-1.5.3-1]']);
  });

  it.each([
    ['[MQTT-3.1.0-1] a first packet other than CONNECT', () => new FrameGuard(1024), pkt(0xc0, [])],
    ['[MQTT-3.1.0-2] a second CONNECT', connected, CONNECT],
    ['[MQTT-2.2.2-2] flags on PINGREQ', connected, pkt(0xc1, [])],
    ['[MQTT-3.6.1-1] PUBREL flags 0000', connected, pkt(0x60, [0, 1])],
    ['[MQTT-2.3.1-1] PUBACK id 0', connected, pkt(0x40, [0, 0])],
    ['[MQTT-3.3.1-4] PUBLISH QoS 3', connected, pkt(0x36, [0, 1, 0x61, 0, 1])],
    ['[MQTT-3.8.3-3] SUBSCRIBE without filters', connected, pkt(0x82, [0, 1])],
    ['[MQTT-3-8.3-4] SUBSCRIBE reserved QoS bits', connected, pkt(0x82, [0, 1, 0, 1, 0x61, 0x10])],
    ['[§1.5.3] U+0001 in a topic', connected, publish(Buffer.from('a/\u0001'))],
    ['[§1.5.3] U+0085 in a topic', connected, publish(Buffer.from('a/\u0085'))],
    ['[§1.5.3] U+FDEF in a topic', connected, publish(Buffer.from('a/\ufdef'))],
    ['[§1.5.3] U+10FFFE in a topic', connected, publish(Buffer.from([0x61, 0xf4, 0x8f, 0xbf, 0xbe]))],
    ['[MQTT-4.7.1-3] UNSUBSCRIBE filter a/b+', connected, pkt(0xa2, [0, 1, 0, 4, 0x61, 0x2f, 0x62, 0x2b])],
    ['[MQTT-4.7.1-2] UNSUBSCRIBE filter #/b', connected, pkt(0xa2, [0, 1, 0, 3, 0x23, 0x2f, 0x62])],
    [
      '[MQTT-3.1.4-1] an MQTT 5 CONNECT whose properties run past it',
      () => new FrameGuard(1024),
      pkt(0x10, [0, 4, 0x4d, 0x51, 0x54, 0x54, 5, 2, 0, 60, 9, 0, 0]),
    ],
  ])('refuses %s, split at every byte boundary', (_what, make, bad) => {
    for (let cut = 1; cut < bad.length; cut++) {
      const g = make();
      expect([cut, g.check(bad.subarray(0, cut)) && g.check(bad.subarray(cut))]).toEqual([cut, false]);
      expect(g.error).not.toBeNull();
    }
  });

  it('answers an unserved protocol level with CONNACK 0x01 [MQTT-3.1.2-2]', () => {
    const g = new FrameGuard(1024);
    expect(g.check(Buffer.from([0x10, 12, 0, 4, 0x4d, 0x51, 0x54, 0x54, 6, 2, 0, 60, 0, 0]))).toBe(false);
    expect([...g.reply!]).toEqual([0x20, 2, 0, 1]);
  });

  it('passes what a string may hold: U+00A0, U+FDCF, U+FFFD, U+10000, and wildcards alone in their levels', () => {
    const filter = Buffer.from('+/a/+/#');
    const unsubscribe = pkt(0xa2, Buffer.concat([Buffer.from([0, 1]), str(filter)]));
    const bytes = Buffer.concat([publish(Buffer.from('a/\u00a0\ufdcf\ufffd\u{10000}')), unsubscribe]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const g = connected();
      expect([cut, g.check(bytes.subarray(0, cut)) && g.check(bytes.subarray(cut)), g.error]).toEqual([
        cut,
        true,
        null,
      ]);
    }
  });

  it('checks an MQTT 5 CONNECT whole, then leaves its CONNACK 0x01 to Aedes', () => {
    const body = [0, 4, 0x4d, 0x51, 0x54, 0x54, 5, 0x06, 0, 60, 2, 0x21, 0];
    const will = [1, 0x01, 0, 1, 0x77, 0, 0]; // will properties (1 byte), topic "w", empty payload
    const ok = new FrameGuard(1024);
    expect([ok.check(pkt(0x10, [...body, 0, 1, 0x63, ...will])), ok.error]).toEqual([true, null]);
    const bad = new FrameGuard(1024);
    expect(bad.check(pkt(0x10, [...body, 0, 1, 0x01, ...will]))).toBe(false);
    expect(bad.error).toBe('client id contains the control character U+0001 (§1.5.3)');
  });
});

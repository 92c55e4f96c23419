import { FrameGuard } from './frame-guard.js';

const str = (b: Buffer) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]);
const publish = (topic: Buffer, payload = Buffer.from('1')) => {
  const body = Buffer.concat([str(topic), payload]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
};

describe('FrameGuard', () => {
  it('passes well-formed packets, also split at every byte boundary', () => {
    const bytes = Buffer.concat([publish(Buffer.from('devices/ä/ds/x')), publish(Buffer.from('a/b'))]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const g = new FrameGuard(1024);
      expect([cut, g.check(bytes.subarray(0, cut)) && g.check(bytes.subarray(cut))]).toEqual([cut, true]);
    }
  });

  it('refuses ill-formed UTF-8 and U+0000 in a topic, even split across chunks', () => {
    const bad = publish(Buffer.from([0x61, 0xc3, 0x28]));
    const g = new FrameGuard(1024);
    expect(g.check(bad.subarray(0, 5)) && g.check(bad.subarray(5))).toBe(false);
    expect(g.error).toContain('UTF-8');
    const nul = new FrameGuard(1024);
    expect(nul.check(publish(Buffer.from('a\u0000b')))).toBe(false);
    expect(nul.error).toContain('U+0000');
  });

  it('refuses an oversized packet from its header alone', () => {
    const g = new FrameGuard(100);
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
    const g = new FrameGuard(1024);
    expect(g.check(Buffer.concat([Buffer.from([0x82, body.length]), body]))).toBe(false);
  });
});

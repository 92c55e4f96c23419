import { ForbiddenTargetError, TargetGuard } from './target-guard.js';

describe('TargetGuard', () => {
  const guard = new TargetGuard([]);
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['192.168.0.1', 'private'],
    ['172.16.5.5', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'ipv4Mapped'],
    ['fe80::1', 'linkLocal'],
    ['224.0.0.1', 'multicast'],
  ])('refuses %s (%s)', (ip, range) => {
    expect(guard.refusal(ip)).toBe(range);
    expect(() => guard.assertHost(ip.includes(':') ? `[${ip}]` : ip)).toThrow(ForbiddenTargetError);
  });

  it('lets public unicast addresses through', () => {
    expect(guard.refusal('93.184.216.34')).toBeNull();
    expect(guard.refusal('2606:2800:220:1:248:1893:25c8:1946')).toBeNull();
  });

  it('honours allow-listed CIDRs, single addresses and host names', () => {
    const g = new TargetGuard(['10.0.0.0/8', '127.0.0.1', 'internal.example']);
    expect(g.refusal('10.9.9.9')).toBeNull();
    expect(g.refusal('127.0.0.1')).toBeNull();
    expect(g.refusal('127.0.0.2')).toBe('loopback');
    expect(g.hostAllowed('INTERNAL.example')).toBe(true);
  });

  it('refuses a host name that resolves to loopback, at lookup time', async () => {
    const err = await new Promise<Error | null>((resolve) =>
      guard.lookup('localhost', { family: 4 }, (e) => resolve(e)),
    );
    expect(err).toBeInstanceOf(ForbiddenTargetError);
    expect(err!.message).toMatch(/localhost resolves to 127\.0\.0\.1/);
  });
});

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  it('round-trips, never stores the clear text, and detects tampering', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-box-'));
    const box = SecretBox.fromConfig(undefined, dir);
    const sealed = box.seal('whsec_abc');
    expect(sealed).not.toContain('whsec_abc');
    expect(box.seal('whsec_abc')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('whsec_abc');
    expect(SecretBox.fromConfig(undefined, dir).open(sealed)).toBe('whsec_abc'); // same key file next start
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    const parts = sealed.split(':');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join(':'))).toThrow();
    rmSync(dir, { recursive: true, force: true });
  });
});

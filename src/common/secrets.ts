import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Tokens are 32 random bytes, so a fast SHA-256 is the right at-rest hash: there is nothing to brute-force,
// and a deterministic hash lets API tokens be looked up by hash in one indexed query.
export function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenMatches(token: string | Buffer | undefined, expectedHash: string): boolean {
  if (token === undefined || token.length === 0 || token.length > 256) return false;
  const actual = createHash('sha256').update(token).digest();
  const expected = Buffer.from(expectedHash, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

/** Short random id in the device-id alphabet, e.g. `d-4fk2p9x7qa`. */
export function newId(prefix: string): string {
  const alphabet = '0123456789abcdefghijkmnpqrstuvwxyz';
  const bytes = randomBytes(10);
  let out = `${prefix}-`;
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

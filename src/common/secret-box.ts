import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A sealed value this key cannot open: sealed under another key, or damaged. A configuration error. */
export class UnopenableSecretError extends Error {
  constructor(cause: unknown) {
    super(
      `a stored secret cannot be opened with this instance's key (${(cause as Error).message}): ` +
        'GATEWAY_SECRET_KEY differs from the key it was sealed with',
    );
  }
}

/**
 * Encryption at rest for secrets the gateway must use later in clear (webhook signing secrets, outbound
 * credentials): AES-256-GCM, a fresh IV per value, stored as `v1:<iv>:<tag>:<ciphertext>` (base64url).
 * Tokens that are only ever compared are hashed instead (common/secrets.ts).
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  }

  /** GATEWAY_SECRET_KEY (base64, 32 bytes) when given; otherwise a key file created once under DATA_DIR. */
  static fromConfig(base64Key: string | undefined, dataDir: string): SecretBox {
    if (base64Key) return new SecretBox(Buffer.from(base64Key, 'base64'));
    const file = join(dataDir, 'secret.key');
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    return new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join(
      ':',
    );
  }

  /** Throws UnopenableSecretError when this key did not seal it. */
  open(sealed: string): string {
    const [v, iv, tag, data] = sealed.split(':');
    if (v !== 'v1' || !iv || !tag || data === undefined)
      throw new UnopenableSecretError(new Error('not a sealed secret'));
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new UnopenableSecretError(err);
    }
  }

  /**
   * What the database records of the key (storage/key-check.ts): an HMAC of a constant under it, so instances
   * can compare keys without the key being stored.
   */
  keyCheck(): string {
    return `v1:${createHmac('sha256', this.key).update('device-gateway secret key check').digest('base64url')}`;
  }
}

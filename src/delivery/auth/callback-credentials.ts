import type { KeyObject } from 'node:crypto';
import type { SecretBox } from '../../common/secret-box.js';
import type { Webhook } from '../../webhooks/webhook.model.js';
import { openCredentialFields } from '../../webhooks/credential-fields.js';
import { hmacHex, signingKey } from '../signing.js';

/** Bold subscriptions: hex HMAC-SHA256 of the raw body, keyed with `secretHmac` (docs/rest-api.md, Bold). */
export const BOLD_HMAC_HEADER = 'x-webhook-hmac-sha256';
import type { OAuth2TokenCache } from './oauth2-token-cache.js';

/** What one attempt adds to the rendered request: the auth header, Bold's secret and the signing keys. */
export class CallbackCredentials {
  // Opening sealed secrets costs an AES-GCM decryption; the clear values are kept per sealed text.
  private readonly opened = new Map<string, string>();
  private readonly keys = new Map<string, KeyObject[]>();

  constructor(
    private readonly box: SecretBox,
    readonly oauth2: OAuth2TokenCache,
  ) {}

  /** Into `h`; a promise only when an OAuth2 token has to be awaited. */
  addHeaders(w: Webhook, h: Record<string, string>, body = ''): Promise<void> | void {
    if (w.httpSecret) h['x-webhook-secret'] = this.open(w.httpSecret);
    if (w.origin === 'bold') h[BOLD_HMAC_HEADER] = hmacHex(this.open(w.secret), body);
    switch (w.authType) {
      case 'BASIC':
        h.authorization = `Basic ${Buffer.from(`${w.basicAuth!.username}:${this.open(w.basicAuth!.password)}`).toString('base64')}`;
        break;
      case 'BEARER':
        h.authorization = `Bearer ${this.open(w.bearerToken!)}`;
        break;
      case 'OAUTH2':
        return this.oauth2.token(this.clientCredentials(w)).then((token) => {
          h.authorization = `Bearer ${token}`;
        });
    }
  }

  /** A rendered request's sealed credential-named header and query values, opened for one attempt. */
  openFields(r: { headers: Record<string, string>; url: string }): { headers: Record<string, string>; url: string } {
    return openCredentialFields(r, (sealed) => this.open(sealed));
  }

  clientCredentials(w: Webhook) {
    return { ...w.oAuth2Request!, webhookId: w.id, clientSecret: this.open(w.oAuth2Request!.clientSecret) };
  }

  /** The current key, plus the previous one while its 24 h overlap lasts. */
  signingKeys(w: Webhook, now: number): KeyObject[] {
    const overlap = w.previousSecret !== null && (w.previousSecretExpiresAt ?? 0) > now;
    const cacheKey = overlap ? `${w.secret}|${w.previousSecret}` : w.secret;
    let keys = this.keys.get(cacheKey);
    if (!keys) {
      keys = [signingKey(this.open(w.secret)), ...(overlap ? [signingKey(this.open(w.previousSecret!))] : [])];
      if (this.keys.size > 10_000) this.keys.clear();
      this.keys.set(cacheKey, keys);
    }
    return keys;
  }

  /** The current signing secret's text, as issued (the key of the plain HMAC signatures). */
  secretText(w: Webhook): string {
    return this.open(w.secret);
  }

  private open(sealed: string): string {
    let clear = this.opened.get(sealed);
    if (clear === undefined) {
      clear = this.box.open(sealed);
      if (this.opened.size > 10_000) this.opened.clear();
      this.opened.set(sealed, clear);
    }
    return clear;
  }
}

import type { SecretBox } from '../../common/secret-box.js';
import type { Webhook } from '../../webhooks/webhook.model.js';
import { signingKey } from '../signing.js';
import type { OAuth2TokenCache } from './oauth2-token-cache.js';

/** What one attempt adds to the rendered request: the auth header, Bold's secret and the signing keys. */
export class CallbackCredentials {
  // Opening sealed secrets costs an AES-GCM decryption; the clear values are kept per sealed text.
  private readonly opened = new Map<string, string>();

  constructor(private readonly box: SecretBox, readonly oauth2: OAuth2TokenCache) {}

  async headers(w: Webhook): Promise<Record<string, string>> {
    const h: Record<string, string> = {};
    if (w.httpSecret) h['x-webhook-secret'] = this.open(w.httpSecret);
    switch (w.authType) {
      case 'BASIC':
        h.authorization = `Basic ${Buffer.from(`${w.basicAuth!.username}:${this.open(w.basicAuth!.password)}`).toString('base64')}`;
        break;
      case 'BEARER':
        h.authorization = `Bearer ${this.open(w.bearerToken!)}`;
        break;
      case 'OAUTH2':
        h.authorization = `Bearer ${await this.oauth2.token(this.clientCredentials(w))}`;
        break;
    }
    return h;
  }

  clientCredentials(w: Webhook) {
    return { ...w.oAuth2Request!, clientSecret: this.open(w.oAuth2Request!.clientSecret) };
  }

  /** The current key, plus the previous one while its 24 h overlap lasts. */
  signingKeys(w: Webhook, now: number): Buffer[] {
    const keys = [signingKey(this.open(w.secret))];
    if (w.previousSecret && (w.previousSecretExpiresAt ?? 0) > now) keys.push(signingKey(this.open(w.previousSecret)));
    return keys;
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

import axios, { type AxiosInstance } from 'axios';
import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { TargetGuard } from '../../common/target-guard.js';
import { OutboundError } from '../http/webhook-http-client.js';

export interface ClientCredentials {
  /** The webhook these credentials belong to: tokens are never shared between webhooks (or organizations). */
  webhookId: number;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

const cacheKey = (c: ClientCredentials): string =>
  JSON.stringify([
    c.webhookId,
    createHash('sha256').update(c.clientSecret).digest('base64'),
    c.tokenUrl,
    c.clientId,
    c.scope ?? '',
  ]);

/** Tokens are refreshed this long before they expire, so none is sent about to lapse mid-flight. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * OAuth2 client-credentials tokens (RFC 6749 §4.4), fetched with axios — a cold path — through the same SSRF
 * guard as callbacks. One token per (webhook, secret hash, tokenUrl, clientId, scope), reused until shortly
 * before it expires; concurrent requests for the same token share one fetch. The webhook id and the secret are
 * part of the key so that naming another webhook's token URL and client id never yields its token.
 */
export class OAuth2TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly http: AxiosInstance;

  constructor(
    guard: TargetGuard,
    private readonly deadlineMs: number,
  ) {
    const opts = { keepAlive: true, lookup: guard.lookup };
    this.http = axios.create({
      httpAgent: new HttpAgent(opts),
      httpsAgent: new HttpsAgent(opts),
      maxRedirects: 0,
      proxy: false,
      validateStatus: () => true,
    });
    this.guard = guard;
  }

  private readonly guard: TargetGuard;

  async token(c: ClientCredentials): Promise<string> {
    const key = cacheKey(c);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return cached.accessToken;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetch(key, c).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** The receiver said 401: the cached token is not good any more. */
  invalidate(c: ClientCredentials): void {
    this.tokens.delete(cacheKey(c));
  }

  private async fetch(key: string, c: ClientCredentials): Promise<string> {
    this.guard.assertHost(new URL(c.tokenUrl).hostname);
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (c.scope) form.set('scope', c.scope);
    let res;
    try {
      res = await this.http.post(c.tokenUrl, form.toString(), {
        auth: { username: c.clientId, password: c.clientSecret },
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        signal: AbortSignal.timeout(this.deadlineMs),
      });
    } catch (err) {
      throw new OutboundError('OAuth2TokenError', `token request to ${c.tokenUrl} failed: ${(err as Error).message}`);
    }
    const body = res.data as { access_token?: unknown; expires_in?: unknown };
    if (res.status !== 200 || typeof body?.access_token !== 'string') {
      throw new OutboundError(
        'OAuth2TokenError',
        `token endpoint ${c.tokenUrl} answered ${res.status} without an access_token`,
      );
    }
    const ttl = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 3600_000;
    this.tokens.set(key, { accessToken: body.access_token, expiresAt: Date.now() + ttl });
    return body.access_token;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '../common/api-error.js';
import { EventBus } from '../events/event-bus.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import { isCredentialName } from '../webhooks/credential-fields.js';
import {
  ADDRESS_LIMITS,
  addressKey,
  AuthThrottle,
  IDENTITY_LIMITS,
  THROTTLED_RETRY_AFTER_S,
  type ThrottleLimits,
} from '../tenancy/auth-throttle.js';
import { CALL_LIMIT, CALL_WINDOW_MS, CallThrottle } from './call-throttle.js';
import { DownlinkService, type DeviceReply } from './downlink.service.js';
import type { InboundWebhook } from './inbound-webhook.model.js';
import { INBOUND_WEBHOOK_REPOSITORY, type InboundWebhookRepository } from './inbound-webhook.repository.js';
import { InboundWebhooksService } from './inbound-webhooks.service.js';
import { parseBody, readBody } from './request-body.js';
import { ActivitySummary } from '../observability/activity-summary.js';

export interface CallResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Headers a device reply may set; anything else (cookies, CORS, auth challenges...) is dropped. */
const SAFE_REPLY_HEADERS = new Set([
  'content-type',
  'content-language',
  'cache-control',
  'etag',
  'expires',
  'last-modified',
  'retry-after',
  'location',
]);
/**
 * Never forwarded to devices: the caller's cookies and credentials — `Cookie`, `Authorization` and every
 * credential-shaped name (`Proxy-Authorization`, `X-Api-Key`, `X-Auth-Token`, ... as in webhooks/
 * credential-fields.ts) — and the hop-by-hop headers of RFC 9110 §7.6.1, with any the Connection header lists.
 */
const STRIPPED_HEADERS = new Set(['cookie', 'authorization']);
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function forwardedHeaders(all: Request['headers']): Record<string, unknown> {
  const listed = new Set(
    String(all.connection ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
  return Object.fromEntries(
    Object.entries(all).filter(
      ([k]) => !STRIPPED_HEADERS.has(k) && !HOP_BY_HOP.has(k) && !listed.has(k) && !isCredentialName(k),
    ),
  );
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** One call to /webhooks/{token}: checks, a QoS 1 message to the target, and the answer (Losant's rules). */
@Injectable()
export class InboundCallService {
  constructor(
    @Inject(INBOUND_WEBHOOK_REPOSITORY) private readonly repository: InboundWebhookRepository,
    private readonly webhooks: InboundWebhooksService,
    private readonly downlink: DownlinkService,
    private readonly bus: EventBus,
    private readonly metrics: GatewayMetrics,
    private readonly callThrottle: CallThrottle,
    private readonly authThrottle: AuthThrottle,
    summary: ActivitySummary,
  ) {
    summary.add(() => this.answeredSummary());
  }

  /** Calls answered since the last activity summary, per inbound webhook name. */
  private answered = new Map<string, number>();

  private answeredSummary(): string | null {
    if (this.answered.size === 0) return null;
    let total = 0;
    for (const n of this.answered.values()) total += n;
    const each = [...this.answered].slice(0, 5).map(([name, n]) => `${name}: ${n}`);
    const more = this.answered.size > each.length ? ', …' : '';
    this.answered = new Map();
    return `inbound webhooks: ${total} calls answered (${each.join(', ')}${more})`;
  }

  async handle(token: string, subPath: string, req: Request): Promise<CallResponse> {
    const w = await this.repository.findByToken(token);
    if (!w) throw ApiError.notFound('Webhook');
    if (!w.enabled) throw new ApiError(403, 'WebhookDisabled', 'this webhook is disabled');
    this.checkBasicAuthThrottled(w, req);
    await this.throttle(w);
    const body = await parseBody(req.headers['content-type'], await readBody(req));
    const headers = forwardedHeaders(req.headers);
    const message = {
      time: new Date().toISOString(),
      path: `/${subPath}`,
      // Losant's data.method: delete, get, patch, post, put.
      method: req.method.toLowerCase(),
      headers,
      query: req.query,
      body,
    };
    const sent = w.target
      ? await this.downlink.send(
          this.downlink.topics(w.orgId, w.target),
          (replyId) => JSON.stringify(replyId ? { ...message, replyId } : message),
          { waitForReply: w.waitForReply },
        )
      : null; // no target: the call only raises inbound.received
    const inbound = { webhookId: w.id, name: w.name, method: req.method, path: message.path, query: req.query, body };
    this.bus.orgEvent(w.orgId, 'inbound.received', inbound, w.target?.deviceId);
    const reply = await sent?.reply();
    this.answered.set(w.name, (this.answered.get(w.name) ?? 0) + 1);
    return reply ? toResponse(reply) : { status: w.responseCode, headers: {}, body: { success: true } };
  }

  /** Basic auth behind the brute-force throttle: per client address (every surface's) and per webhook, 429 while refused. */
  private checkBasicAuthThrottled(w: InboundWebhook, req: Request): void {
    if (!w.basicAuthUsername) return;
    const keys: [string, ThrottleLimits][] = [
      [addressKey(req.socket.remoteAddress), ADDRESS_LIMITS],
      [`inbound:${w.id}`, IDENTITY_LIMITS],
    ];
    if (this.authThrottle.blocked(keys)) {
      this.metrics.authThrottled.inc({ surface: 'inbound' });
      const retryAfter = THROTTLED_RETRY_AFTER_S;
      throw Object.assign(
        new ApiError(429, 'TooManyRequests', `too many failed authentications; retry after ${retryAfter} s`),
        { retryAfter },
      );
    }
    try {
      this.checkBasicAuth(w, req.headers.authorization);
    } catch (e) {
      this.authThrottle.fail(keys);
      throw e;
    }
    this.authThrottle.succeed(keys[1][0]);
  }

  private checkBasicAuth(w: InboundWebhook, header: string | undefined): void {
    if (!w.basicAuthUsername) return;
    const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
    const [user, ...rest] = m ? Buffer.from(m[1], 'base64').toString('utf8').split(':') : [''];
    if (!m || !same(user, w.basicAuthUsername) || !same(rest.join(':'), this.webhooks.password(w) ?? '')) {
      throw new ApiError(401, 'Unauthorized', 'basic authentication required for this webhook');
    }
  }

  /** CALL_LIMIT calls per CALL_WINDOW_MS per webhook, across every instance when REDIS_URL is set. */
  private async throttle(w: InboundWebhook): Promise<void> {
    const retryAfter = await this.callThrottle.take(w.id);
    if (retryAfter === null) return;
    throw Object.assign(
      new ApiError(
        429,
        'TooManyRequests',
        `more than ${CALL_LIMIT} calls in ${CALL_WINDOW_MS / 1000} s; retry after ${retryAfter} s`,
      ),
      { retryAfter },
    );
  }
}

/**
 * The device's reply as the caller's response. A status outside 200–599 (1xx would leave the caller waiting
 * for a final response after "100 Continue") or a kept header whose value HTTP cannot carry is no answer the
 * gateway can give: the caller gets 502 naming why.
 */
function toResponse(reply: DeviceReply): CallResponse {
  const invalid = (why: string) => new ApiError(502, 'InvalidDeviceReply', `the device's reply is invalid: ${why}`);
  const code: unknown = reply.statusCode;
  if (code !== undefined && !(Number.isInteger(code) && (code as number) >= 200 && (code as number) <= 599))
    throw invalid(`statusCode ${JSON.stringify(code)} is not an integer from 200 to 599`);
  const status = (code as number | undefined) ?? 200;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.headers ?? {})) {
    if (!SAFE_REPLY_HEADERS.has(k.toLowerCase())) continue;
    if (typeof v !== 'string' || /[^\t\x20-\x7e]/.test(v))
      throw invalid(`header ${k} must be a string of visible ASCII characters`);
    headers[k.toLowerCase()] = v;
  }
  return { status, headers, body: reply.body ?? '' };
}

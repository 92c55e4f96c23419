import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ApiError } from '../common/api-error.js';
import { SharedRateLimit } from '../common/shared-rate-limit.js';
import { DeploymentMode } from '../config/deployment-mode.js';
import { GatewayConfig } from '../config/gateway-config.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import { RateLimitedLog } from '../observability/rate-limited-log.js';
import { StopReport } from '../observability/stop-report.js';
import {
  ADDRESS_LIMITS,
  addressKey,
  AuthThrottle,
  THROTTLED_RETRY_AFTER_S,
  type ThrottleLimits,
} from './auth-throttle.js';
import { OrganizationDirectory } from './organization-directory.js';
import { ANY_VALID_TOKEN, SCOPE_KEY, scopeAllows } from './scopes.js';
import { type AuthContext, TenancyService } from './tenancy.service.js';

export type AuthedRequest = Request & { auth: AuthContext };

/** Blynk's paths, where `?orgId=` may name a sub-organization of the token's own. */
const BLYNK_PATH = /^\/api\/v1\/organization(\/|$)/;
/** Bold's paths take "a bearer token or API key": the key alone is accepted too. */
const BOLD_PATH = /^\/v2\//;

/** `orgId` is the guard's: once it has chosen req.auth.orgId, no query DTO has to declare it. */
function consumeOrgId(req: Request): void {
  if (req.query.orgId === undefined) return;
  const { orgId: _o, ...rest } = req.query;
  // Express 5 parses req.query in a getter on every read; an own property shadows it for this request.
  Object.defineProperty(req, 'query', { value: rest, writable: true, configurable: true, enumerable: true });
}

/**
 * Bearer API token → org and scopes (invalid tokens counted per client address in the throttle MQTT logins share:
 * an address refused there is answered 429 here without checking, and the reverse), then Blynk's API rate per organization (in this instance's memory, or with
 * REDIS_URL counted in Redis for all instances together). `?orgId=` names the token's own org, or on Blynk
 * paths one of its sub-organizations when the token has all.Organization — never a parent or a sibling (those
 * answer 404 like a missing org).
 */
@Injectable()
export class ApiTokenGuard implements CanActivate, OnApplicationShutdown {
  /** Blynk's API rate per organization; null when API_RATE_LIMIT_PER_MINUTE is 0 (no limit). */
  private readonly rate: SharedRateLimit | null = null;
  private readonly refusals = new RateLimitedLog(new Logger('http'));

  constructor(
    private readonly reflector: Reflector,
    private readonly tenancy: TenancyService,
    private readonly directory: OrganizationDirectory,
    private readonly throttle: AuthThrottle,
    private readonly metrics: GatewayMetrics,
    config: GatewayConfig,
    mode: DeploymentMode,
    stopReport: StopReport,
  ) {
    if (config.API_RATE_LIMIT_PER_MINUTE > 0)
      this.rate = new SharedRateLimit(mode.busUrl, {
        name: 'api-rate',
        points: config.API_RATE_LIMIT_PER_MINUTE,
        windowMs: 60_000,
        stopReport,
      });
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const required = this.reflector.get<string | undefined>(SCOPE_KEY, ctx.getHandler());
    if (!required) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const bearer = this.credential(req);
    const address: [string, ThrottleLimits][] = [[addressKey(req.socket.remoteAddress), ADDRESS_LIMITS]];
    this.refuseThrottled(address, ctx);
    const auth = await this.tenancy.authenticate(bearer);
    if (!auth) {
      this.throttle.fail(address);
      this.refusals.warn('api auth', `refused ${req.method} ${req.path} from ${req.ip}: invalid or revoked API token`);
      throw new ApiError(401, 'Unauthorized', 'invalid or revoked API token');
    }
    if (required !== ANY_VALID_TOKEN && !scopeAllows(auth.scopes, required, req.method === 'GET')) {
      throw new ApiError(403, 'Forbidden', `token lacks scope ${required}`);
    }
    const retryAfter = this.rate ? await this.rate.take(String(auth.orgId)) : 0;
    if (retryAfter > 0) {
      ctx.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
      throw new ApiError(429, 'TooManyRequests', `organization over its API rate; retry after ${retryAfter} s`);
    }
    req.auth = { ...auth, orgId: await this.addressedOrg(req, auth) };
    consumeOrgId(req);
    return true;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.rate?.close();
  }

  /** An address with too many failed logins (over any surface) is answered 429 without checking its token. */
  private refuseThrottled(address: [string, ThrottleLimits][], ctx: ExecutionContext): void {
    if (!this.throttle.blocked(address)) return;
    this.metrics.authThrottled.inc({ surface: 'api' });
    ctx.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(THROTTLED_RETRY_AFTER_S));
    throw new ApiError(
      429,
      'TooManyRequests',
      `too many failed authentications; retry after ${THROTTLED_RETRY_AFTER_S} s`,
    );
  }

  private credential(req: Request): string {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (match) return match[1];
    if (BOLD_PATH.test(req.path) && /^[A-Za-z0-9_-]{8,256}$/.test(header)) return header;
    throw new ApiError(401, 'Unauthorized', 'missing bearer token: send "Authorization: Bearer <token>"');
  }

  private async addressedOrg(req: Request, auth: AuthContext): Promise<number> {
    const raw = req.query.orgId;
    if (raw === undefined || String(raw) === String(auth.orgId)) return auth.orgId;
    // Blynk's orgId is an int32: anything else is a bad request, not an organization that may exist.
    if (typeof raw !== 'string' || !/^\d{1,10}$/.test(raw))
      throw ApiError.badRequest(`orgId must be an organization id (a whole number), not ${JSON.stringify(raw)}`);
    const orgId = Number(raw);
    const sub =
      BLYNK_PATH.test(req.path) &&
      Number.isSafeInteger(orgId) &&
      auth.scopes.includes('all.Organization') &&
      (await this.directory.find(orgId)) !== null &&
      this.directory.isWithin(orgId, auth.orgId);
    if (!sub) throw ApiError.notFound('Organization');
    return orgId;
  }
}

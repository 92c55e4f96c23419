import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '../common/api-error.js';
import { ANY_VALID_TOKEN, SCOPE_KEY, scopeAllows } from './scopes.js';
import { type AuthContext, TenancyService } from './tenancy.service.js';

export type AuthedRequest = Request & { auth: AuthContext };

/** Bearer API token → org and scopes; an `orgId` query is honoured only when it is the token's own org. */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tenancy: TenancyService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const required = this.reflector.get<string | undefined>(SCOPE_KEY, ctx.getHandler());
    if (!required) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError(401, 'Unauthorized', 'missing bearer token: send "Authorization: Bearer <token>"');
    const auth = await this.tenancy.authenticate(match[1]);
    if (!auth) throw new ApiError(401, 'Unauthorized', 'invalid or revoked API token');
    if (required !== ANY_VALID_TOKEN && !scopeAllows(auth.scopes, required, req.method === 'GET')) {
      throw new ApiError(403, 'Forbidden', `token lacks scope ${required}`);
    }
    const orgId = req.query.orgId;
    if (orgId !== undefined && String(orgId) !== String(auth.orgId)) throw ApiError.notFound('Organization');
    req.auth = auth;
    return true;
  }
}

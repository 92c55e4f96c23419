import { Controller, Get, Req } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiError } from '../common/api-error.js';
import { STORAGE, type StorageDriver } from '../storage/ports.js';
import { TenancyService } from '../tenancy/tenancy.service.js';

/**
 * `GET /api/v1/organization/tokens/current`: who the presented token is — any valid token may ask, whatever
 * its scopes (so no @RequireScope: the handler authenticates the bearer itself, exactly as the guard does).
 */
@ApiTags('organization')
@ApiBearerAuth()
@Controller('api/v1/organization/tokens')
export class CurrentTokenController {
  constructor(private readonly modules: ModuleRef) {}

  @Get('current')
  @ApiOperation({ summary: 'The presented API token: {id, orgId, name, scopes}' })
  async current(@Req() req: Request) {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) throw new ApiError(401, 'Unauthorized', 'missing bearer token: send "Authorization: Bearer <token>"');
    // TenancyService and the storage belong to the root module; strict: false finds them from here.
    const auth = await this.modules.get(TenancyService, { strict: false }).authenticate(match[1]);
    if (!auth) throw new ApiError(401, 'Unauthorized', 'invalid or revoked API token');
    const storage = this.modules.get<StorageDriver>(STORAGE, { strict: false });
    const record = (await storage.tokens.list(auth.orgId)).find((t) => t.id === auth.tokenId);
    return { id: auth.tokenId, orgId: auth.orgId, name: record?.name ?? '', scopes: auth.scopes };
  }
}

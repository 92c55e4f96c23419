import { Controller, Get, Inject, Param, ParseIntPipe, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../common/api-error.js';
import { STORAGE, type StorageDriver } from '../storage/ports.js';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';

@ApiTags('organization')
@ApiBearerAuth()
@Controller('api/v1/organization/users')
export class NotificationsController {
  constructor(@Inject(STORAGE) private readonly storage: StorageDriver) {}

  /** Newest first, at most 200. */
  @Get(':id/notifications')
  @RequireScope('user.get')
  async list(@Req() req: AuthedRequest, @Param('id', ParseIntPipe) id: number) {
    if (!(await this.storage.users.findById(req.auth.orgId, id))) throw ApiError.notFound('User');
    return this.storage.notifications.listForUser(req.auth.orgId, id);
  }
}

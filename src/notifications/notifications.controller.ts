import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import { UsersService } from '../tenancy/users.service.js';
import { NOTIFICATION_REPOSITORY, type NotificationRepository } from './notification.repository.js';
import { IntParam } from '../common/int-param.js';

@ApiTags('organization')
@ApiBearerAuth()
@Controller('api/v1/organization/users')
export class NotificationsController {
  constructor(
    private readonly users: UsersService,
    @Inject(NOTIFICATION_REPOSITORY) private readonly notifications: NotificationRepository,
  ) {}

  /** Newest first, at most 200. */
  @Get(':id/notifications')
  @RequireScope('user.get')
  async list(@Req() req: AuthedRequest, @Param('id', new IntParam('user id')) id: number) {
    await this.users.get(req.auth.orgId, id);
    return this.notifications.listForUser(req.auth.orgId, id);
  }
}

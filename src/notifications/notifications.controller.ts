import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotificationView } from '../tenancy/tenancy.view.js';
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
  @ApiOperation({ summary: "A user's notices (webhooks disabled due to errors), newest first, at most 200" })
  @ApiOkResponse({ type: NotificationView, isArray: true })
  @RequireScope('user.get')
  async list(@Req() req: AuthedRequest, @Param('id', new IntParam('user id')) id: number) {
    await this.users.get(req.auth.orgId, id);
    return this.notifications.listForUser(req.auth.orgId, id);
  }
}

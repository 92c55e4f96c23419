import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiTokenGuard } from './auth.guard.js';
import { OrganizationDirectory } from './organization-directory.js';
import { TenancyController } from './tenancy.controller.js';
import { TenancyService } from './tenancy.service.js';
import { UsersService } from './users.service.js';

/** Organizations, users and API tokens; the bearer-token guard in front of every REST route. */
@Module({
  controllers: [TenancyController],
  providers: [TenancyService, UsersService, OrganizationDirectory, { provide: APP_GUARD, useClass: ApiTokenGuard }],
  exports: [TenancyService, UsersService, OrganizationDirectory],
})
export class TenancyModule {}

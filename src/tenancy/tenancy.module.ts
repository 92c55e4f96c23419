import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthThrottle } from './auth-throttle.js';
import { ApiTokenGuard } from './auth.guard.js';
import { OrganizationDirectory } from './organization-directory.js';
import { TenancyController } from './tenancy.controller.js';
import { TenancyService } from './tenancy.service.js';
import { UsersService } from './users.service.js';

/**
 * Organizations, users and API tokens; the bearer-token guard in front of every REST route; the one
 * failed-login throttle every login surface (MQTT, REST, inbound basic auth) counts into.
 */
@Module({
  controllers: [TenancyController],
  providers: [
    TenancyService,
    UsersService,
    OrganizationDirectory,
    // A factory: the constructor's optional clock is for unit tests, not for Nest to resolve.
    { provide: AuthThrottle, useFactory: () => new AuthThrottle() },
    { provide: APP_GUARD, useClass: ApiTokenGuard },
  ],
  exports: [TenancyService, UsersService, OrganizationDirectory, AuthThrottle],
})
export class TenancyModule {}

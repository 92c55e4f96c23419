import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module.js';
import { TenancyModule } from '../tenancy/tenancy.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { ChangeFollower } from './change-follower.js';
import { InstanceCensus } from './instance-census.js';

/**
 * Several instances on one database (MONGODB_URI only: SQLite serves one instance). Delivery claims live in
 * delivery/ (delivery-claims.ts); this module keeps the caches of this instance following the others.
 */
@Module({
  imports: [DevicesModule, TenancyModule, WebhooksModule],
  providers: [ChangeFollower, InstanceCensus],
})
export class ClusterModule {}

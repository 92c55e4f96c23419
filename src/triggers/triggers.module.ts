import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { DevicesModule } from '../devices/devices.module.js';
import { TenancyModule } from '../tenancy/tenancy.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { TriggerEngine } from './trigger-engine.js';
import { TriggerStateStore } from './trigger-state-store.js';

/** Matches every event against the webhook catalog and hands each match to the outbox. */
@Module({
  imports: [WebhooksModule, DevicesModule, DeliveryModule, TenancyModule],
  providers: [TriggerEngine, TriggerStateStore],
})
export class TriggersModule {}

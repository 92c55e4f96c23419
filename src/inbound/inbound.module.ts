import { Module } from '@nestjs/common';
import { BrokerModule } from '../broker/broker.module.js';
import { DevicesModule } from '../devices/devices.module.js';
import { TenancyModule } from '../tenancy/tenancy.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { CallThrottle } from './call-throttle.js';
import { DeviceCommandsController } from './device-commands.controller.js';
import { DownlinkService } from './downlink.service.js';
import { InboundCallService } from './inbound-call.service.js';
import { InboundEndpointController } from './inbound-endpoint.controller.js';
import { InboundWebhooksController } from './inbound-webhooks.controller.js';
import { InboundWebhooksService } from './inbound-webhooks.service.js';
import { LosantWebhooksController } from './losant-webhooks.controller.js';

/** HTTP → MQTT: inbound webhooks (Losant's resource and its /webhooks/{token} endpoint) and device commands. */
@Module({
  imports: [BrokerModule, DevicesModule, TenancyModule, WebhooksModule],
  controllers: [
    InboundWebhooksController,
    LosantWebhooksController,
    InboundEndpointController,
    DeviceCommandsController,
  ],
  providers: [InboundWebhooksService, InboundCallService, DownlinkService, CallThrottle],
})
export class InboundModule {}

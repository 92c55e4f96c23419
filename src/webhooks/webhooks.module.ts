import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module.js';
import { BoldWebhooksController } from './bold/bold-webhooks.controller.js';
import { WebhookCatalog } from './webhook-catalog.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** The webhook resource (Blynk's, Bold's /v2/webhooks) and the in-memory catalog everything matches against. */
@Module({
  imports: [DevicesModule],
  controllers: [WebhooksController, BoldWebhooksController],
  providers: [WebhookCatalog, WebhooksService],
  exports: [WebhookCatalog, WebhooksService],
})
export class WebhooksModule {}

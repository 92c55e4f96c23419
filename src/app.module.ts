import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { BrokerService } from './broker/broker.service.js';
import { GatewayConfig } from './config/gateway-config.js';
import { DeviceRegistry } from './devices/device-registry.js';
import { AgentsController, DevicesController } from './devices/devices.controller.js';
import { DevicesService } from './devices/devices.service.js';
import { PresenceTracker } from './devices/presence-tracker.js';
import { EventsModule } from './events/events.module.js';
import { IngestController } from './ingest/ingest.controller.js';
import { IngestService } from './ingest/ingest.service.js';
import { GatewayMetrics } from './observability/gateway-metrics.js';
import { ObservabilityController } from './observability/observability.controller.js';
import { STORAGE, type StorageDriver } from './storage/ports.js';
import { ApiTokenGuard } from './tenancy/auth.guard.js';
import { TenancyController } from './tenancy/tenancy.controller.js';
import { TenancyService } from './tenancy/tenancy.service.js';
import { SecretBox } from './common/secret-box.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { WebhooksService } from './webhooks/webhooks.service.js';
import { WebhookCatalog } from './webhooks/webhook-catalog.js';
import { BoldWebhooksController } from './webhooks/bold/bold-webhooks.controller.js';
import { TriggerEngine } from './triggers/trigger-engine.js';
import { TriggerStateStore } from './triggers/trigger-state-store.js';
import { deliveryProviders } from './delivery/delivery.providers.js';
import { DeliveriesController } from './delivery/deliveries.controller.js';
import { NotificationsController } from './notifications/notifications.controller.js';
import { FailureNotifier } from './notifications/failure-notifier.js';
import { DeviceCommandsController } from './inbound/device-commands.controller.js';
import { DownlinkService } from './inbound/downlink.service.js';
import { InboundCallService } from './inbound/inbound-call.service.js';
import { InboundEndpointController } from './inbound/inbound-endpoint.controller.js';
import { InboundWebhooksController } from './inbound/inbound-webhooks.controller.js';
import { InboundWebhooksService } from './inbound/inbound-webhooks.service.js';
import { LosantWebhooksController } from './inbound/losant-webhooks.controller.js';
import { ConsoleModule } from './console/console.module.js';
import { EventStreamModule } from './event-stream/event-stream.module.js';

/** The gateway, given its validated configuration and an opened storage driver. */
@Module({})
export class AppModule {
  static register(config: GatewayConfig, storage: StorageDriver): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ ...config })] }),
        EventsModule,
        EventStreamModule,
        ConsoleModule,
      ],
      controllers: [
        TenancyController,
        NotificationsController,
        DevicesController,
        AgentsController,
        WebhooksController,
        DeliveriesController,
        BoldWebhooksController,
        InboundWebhooksController,
        LosantWebhooksController,
        InboundEndpointController,
        DeviceCommandsController,
        ObservabilityController,
        IngestController,
      ],
      providers: [
        { provide: GatewayConfig, useValue: config },
        { provide: STORAGE, useValue: storage },
        { provide: APP_GUARD, useClass: ApiTokenGuard },
        { provide: SecretBox, useValue: SecretBox.fromConfig(config.GATEWAY_SECRET_KEY, config.DATA_DIR) },
        InboundWebhooksService,
        InboundCallService,
        DownlinkService,
        WebhooksService,
        WebhookCatalog,
        TriggerStateStore,
        TriggerEngine,
        FailureNotifier,
        ...deliveryProviders,
        GatewayMetrics,
        TenancyService,
        DeviceRegistry,
        PresenceTracker,
        DevicesService,
        IngestService,
        BrokerService,
      ],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { BrokerModule } from './broker/broker.module.js';
import { ClusterModule } from './cluster/cluster.module.js';
import { CommonModule } from './common/common.module.js';
import { ConfigModule } from './config/config.module.js';
import { DeploymentMode } from './config/deployment-mode.js';
import { ConsoleModule } from './console/console.module.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { DeliveryModule } from './delivery/delivery.module.js';
import { DevicesModule } from './devices/devices.module.js';
import { EventStreamModule } from './event-stream/event-stream.module.js';
import { EventsModule } from './events/events.module.js';
import { InboundModule } from './inbound/inbound.module.js';
import { IngestModule } from './ingest/ingest.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { StorageModule } from './storage/storage.module.js';
import { TemplatesModule } from './templates/templates.module.js';
import { TenancyModule } from './tenancy/tenancy.module.js';
import { TriggersModule } from './triggers/triggers.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/**
 * The gateway. Start-up order follows the imports (Nest initializes a module after everything it imports):
 * storage opens; the registry, the webhook catalog and the tenancy bootstrap load; the dispatcher resumes the
 * outbox; the trigger engine subscribes; presence settles (onApplicationBootstrap); then the broker listens.
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, mode = new DeploymentMode(config)): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, mode),
        CommonModule,
        StorageModule.forRoot(),
        EventsModule,
        ObservabilityModule,
        TenancyModule,
        TemplatesModule,
        DevicesModule,
        WebhooksModule,
        NotificationsModule,
        DeliveryModule,
        TriggersModule,
        IngestModule,
        BrokerModule,
        InboundModule,
        EventStreamModule,
        ConsoleModule,
        // Several instances can share a MongoDB database: follow the changes the others make.
        ...(mode.sharedDatabase ? [ClusterModule] : []),
      ],
    };
  }
}

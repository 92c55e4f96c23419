import { Module, type Provider } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { DevicesModule } from '../devices/devices.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { DeliveriesController } from './deliveries.controller.js';
import { SecretBox } from '../common/secret-box.js';
import { DeploymentMode } from '../config/deployment-mode.js';
import { GatewayConfig } from '../config/gateway-config.js';
import { StopReport } from '../observability/stop-report.js';
import { CallbackCredentials } from './auth/callback-credentials.js';
import { OAuth2TokenCache } from './auth/oauth2-token-cache.js';
import { DeliveriesService } from './deliveries.service.js';
import { DeliveryLog } from './delivery-log.js';
import { DELIVERY_CLAIM_REPOSITORY, type DeliveryClaimRepository } from './delivery-claim.repository.js';
import { DeliveryClaims } from './delivery-claims.js';
import { DeliveryMetrics } from './delivery-metrics.js';
import { DELIVERY_OWNERSHIP } from './delivery-ownership.js';
import { DELIVERY_REPOSITORY, type DeliveryRepository } from './delivery.repository.js';
import { Dispatcher, WEBHOOK_HTTP_CLIENT } from './dispatcher.js';
import { AxiosWebhookClient } from './http/axios.client.js';
import { TargetGuard } from '../common/target-guard.js';
import { UndiciWebhookClient } from './http/undici.client.js';
import { Outbox } from './outbox.js';
import { RetryPolicy } from './retry-policy.js';

const providers: Provider[] = [
  {
    provide: RetryPolicy,
    useFactory: (c: GatewayConfig) => new RetryPolicy(c.WEBHOOK_RETRY_SCHEDULE_MS),
    inject: [GatewayConfig],
  },
  {
    provide: WEBHOOK_HTTP_CLIENT,
    useFactory: (c: GatewayConfig, guard: TargetGuard) => {
      const limits = { deadlineMs: c.WEBHOOK_TIMEOUT_MS, maxResponseBytes: c.WEBHOOK_MAX_RESPONSE_BYTES };
      return c.WEBHOOK_HTTP_CLIENT === 'axios'
        ? new AxiosWebhookClient(guard, limits)
        : new UndiciWebhookClient(guard, limits);
    },
    inject: [GatewayConfig, TargetGuard],
  },
  {
    provide: CallbackCredentials,
    useFactory: (box: SecretBox, guard: TargetGuard, c: GatewayConfig) =>
      new CallbackCredentials(box, new OAuth2TokenCache(guard, c.WEBHOOK_TIMEOUT_MS)),
    inject: [SecretBox, TargetGuard, GatewayConfig],
  },
  {
    // Claims only where several instances can share the database (MongoDB); SQLite serves one instance.
    provide: DELIVERY_OWNERSHIP,
    useFactory: (
      c: GatewayConfig,
      mode: DeploymentMode,
      claims: DeliveryClaimRepository | null,
      deliveries: DeliveryRepository,
      log: DeliveryLog,
      stop: StopReport,
    ) => {
      if (!mode.sharedDatabase || !claims) return null;
      const ownership = new DeliveryClaims(claims, deliveries, c, stop);
      log.onWritten((written) => ownership.recorded(written));
      return ownership;
    },
    inject: [GatewayConfig, DeploymentMode, DELIVERY_CLAIM_REPOSITORY, DELIVERY_REPOSITORY, DeliveryLog, StopReport],
  },
  DeliveryMetrics,
  DeliveryLog,
  Outbox,
  Dispatcher,
  DeliveriesService,
];

/** The outbox, the dispatcher, the delivery log and its REST resource (replay, Test). */
@Module({
  imports: [WebhooksModule, DevicesModule, NotificationsModule, TemplatesModule],
  controllers: [DeliveriesController],
  providers,
  exports: [Outbox],
})
export class DeliveryModule {}

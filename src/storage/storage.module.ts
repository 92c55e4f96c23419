import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { CHANGE_LOG_REPOSITORY } from '../cluster/change-log.repository.js';
import { SecretBox } from '../common/secret-box.js';
import { STOP_WAIT_MS, StopReport } from '../observability/stop-report.js';
import { within } from '../common/within.js';
import { DeploymentMode } from '../config/deployment-mode.js';
import { GatewayConfig } from '../config/gateway-config.js';
import { DELIVERY_CLAIM_REPOSITORY } from '../delivery/delivery-claim.repository.js';
import { DELIVERY_REPOSITORY } from '../delivery/delivery.repository.js';
import { AGENT_REPOSITORY } from '../devices/agent.repository.js';
import { CONNECTION_LEDGER_REPOSITORY } from '../devices/connection-ledger.repository.js';
import { DEVICE_REPOSITORY } from '../devices/device.repository.js';
import { DATASTREAM_HISTORY_REPOSITORY } from '../devices/history/history.repository.js';
import { INBOUND_WEBHOOK_REPOSITORY } from '../inbound/inbound-webhook.repository.js';
import { NOTIFICATION_REPOSITORY } from '../notifications/notification.repository.js';
import { STORAGE_HEALTH, type StorageHealth } from '../observability/storage-health.js';
import { API_TOKEN_REPOSITORY } from '../tenancy/api-token.repository.js';
import { ORGANIZATION_REPOSITORY } from '../tenancy/organization.repository.js';
import { USER_REPOSITORY } from '../tenancy/user.repository.js';
import { TEMPLATE_REPOSITORY } from '../templates/template.repository.js';
import { TRIGGER_STATE_REPOSITORY } from '../triggers/trigger-state.repository.js';
import { WEBHOOK_REPOSITORY } from '../webhooks/webhook.repository.js';
import { checkSecretKey } from './key-check.js';
import { openStorage } from './open-storage.js';
import type { StorageDriver } from './storage-driver.js';
import { storageHealth } from './write-probe.js';

const STORAGE_DRIVER = Symbol('StorageDriver');

/** Each port's token, and the driver's member that implements it (every driver has these). */
const REPOSITORIES: [symbol, keyof StorageDriver][] = [
  [ORGANIZATION_REPOSITORY, 'organizations'],
  [USER_REPOSITORY, 'users'],
  [API_TOKEN_REPOSITORY, 'tokens'],
  [DEVICE_REPOSITORY, 'devices'],
  [AGENT_REPOSITORY, 'agents'],
  [WEBHOOK_REPOSITORY, 'webhooks'],
  [DELIVERY_REPOSITORY, 'deliveries'],
  [TRIGGER_STATE_REPOSITORY, 'triggerStates'],
  [NOTIFICATION_REPOSITORY, 'notifications'],
  [INBOUND_WEBHOOK_REPOSITORY, 'inboundWebhooks'],
  [TEMPLATE_REPOSITORY, 'templates'],
  [DATASTREAM_HISTORY_REPOSITORY, 'history'],
];

/** The driver, once the secret key is known to be the database's (key-check.ts); closed again if not. */
async function openChecked(c: GatewayConfig, mode: DeploymentMode, box: SecretBox): Promise<StorageDriver> {
  const driver = await openStorage(mode, c);
  try {
    await checkSecretKey(driver, box, c.GATEWAY_SECRET_KEY !== undefined);
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw err;
  }
  return driver;
}

/**
 * Closes the driver last: the write-behinds of every feature flush in their own shutdown hooks first, each for
 * STOP_WAIT_MS at most; what they could not write is said here, in one line.
 */
@Injectable()
class StorageLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('storage');
  constructor(
    @Inject(STORAGE_DRIVER) private readonly driver: StorageDriver,
    private readonly stop: StopReport,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    const report = this.stop.take();
    if (report) this.logger.warn(report);
    if (!(await within(this.driver.close(), STOP_WAIT_MS))) this.logger.warn('storage did not close in time');
    else if (!report) this.logger.log('stopped: every write was flushed to storage');
  }
}

/** Opens the driver the deployment mode selects and provides every repository token from it. */
@Global()
@Module({})
export class StorageModule {
  static forRoot(): DynamicModule {
    const providers: Provider[] = [
      { provide: STORAGE_DRIVER, useFactory: openChecked, inject: [GatewayConfig, DeploymentMode, SecretBox] },
      ...REPOSITORIES.map(([token, member]) => ({
        provide: token,
        useFactory: (d: StorageDriver) => d[member],
        inject: [STORAGE_DRIVER],
      })),
      {
        provide: STORAGE_HEALTH,
        useFactory: (d: StorageDriver, c: GatewayConfig): StorageHealth =>
          storageHealth(d, c.DATA_DIR, c.GATEWAY_INSTANCE_ID),
        inject: [STORAGE_DRIVER, GatewayConfig],
      },
      {
        provide: CHANGE_LOG_REPOSITORY,
        useFactory: (d: StorageDriver) => d.changeLog ?? null,
        inject: [STORAGE_DRIVER],
      },
      {
        provide: CONNECTION_LEDGER_REPOSITORY,
        useFactory: (d: StorageDriver) => d.connections ?? null,
        inject: [STORAGE_DRIVER],
      },
      {
        provide: DELIVERY_CLAIM_REPOSITORY,
        useFactory: (d: StorageDriver) => d.deliveryClaims ?? null,
        inject: [STORAGE_DRIVER],
      },
      StorageLifecycle,
    ];
    return {
      module: StorageModule,
      providers,
      exports: [
        ...REPOSITORIES.map(([token]) => token),
        STORAGE_HEALTH,
        CHANGE_LOG_REPOSITORY,
        CONNECTION_LEDGER_REPOSITORY,
        DELIVERY_CLAIM_REPOSITORY,
      ],
    };
  }
}

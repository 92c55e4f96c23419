import type { ChangeLogRepository } from '../cluster/change-log.repository.js';
import type { DeliveryClaimRepository } from '../delivery/delivery-claim.repository.js';
import type { DeliveryRepository } from '../delivery/delivery.repository.js';
import type { AgentRepository } from '../devices/agent.repository.js';
import type { ConnectionLedgerRepository } from '../devices/connection-ledger.repository.js';
import type { DeviceRepository } from '../devices/device.repository.js';
import type { DatastreamHistoryRepository } from '../devices/history/history.repository.js';
import type { InboundWebhookRepository } from '../inbound/inbound-webhook.repository.js';
import type { NotificationRepository } from '../notifications/notification.repository.js';
import type { StorageHealth } from '../observability/storage-health.js';
import type { ApiTokenRepository } from '../tenancy/api-token.repository.js';
import type { OrganizationRepository } from '../tenancy/organization.repository.js';
import type { UserRepository } from '../tenancy/user.repository.js';
import type { TemplateRepository } from '../templates/template.repository.js';
import type { TriggerStateRepository } from '../triggers/trigger-state.repository.js';
import type { WebhookRepository } from '../webhooks/webhook.repository.js';

/** Small named values of the gateway itself: the secret key's check (key-check.ts), the health write probe. */
export interface GatewayMeta {
  get(name: string): Promise<string | null>;
  /** Records `value` unless `name` has one already (one writer wins); returns the value stored. */
  putIfAbsent(name: string, value: string): Promise<string>;
  /** Writes `value` under `name`, whatever was there: a real write, for /health/ready. */
  put(name: string, value: string): Promise<void>;
}

/**
 * One storage backend: an implementation of every repository port, and its lifecycle. Two drivers exist,
 * sqlite/ (default, embedded) and mongo/ (MONGODB_URI); each repository is one file per driver.
 */
export interface StorageDriver {
  readonly name: StorageHealth['driver'];
  readonly organizations: OrganizationRepository;
  readonly users: UserRepository;
  readonly tokens: ApiTokenRepository;
  readonly devices: DeviceRepository;
  readonly agents: AgentRepository;
  readonly webhooks: WebhookRepository;
  readonly deliveries: DeliveryRepository;
  readonly triggerStates: TriggerStateRepository;
  readonly notifications: NotificationRepository;
  readonly inboundWebhooks: InboundWebhookRepository;
  readonly templates: TemplateRepository;
  readonly history: DatastreamHistoryRepository;
  /** Only where several instances can share the database (mongo): what REST changed, for the others. */
  readonly changeLog?: ChangeLogRepository;
  /** Likewise: which instance holds which device's connections (presence across instances). */
  readonly connections?: ConnectionLedgerRepository;
  /** Likewise: which instance attempts which delivery, and the instances' leases (delivery-claims.ts). */
  readonly deliveryClaims?: DeliveryClaimRepository;
  readonly meta: GatewayMeta;
  ping(): Promise<void>;
  close(): Promise<void>;
}

import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config.js';
import { AGENT_REPOSITORY, type AgentRepository } from '../devices/agent.repository.js';
import { DEVICE_REPOSITORY, type DeviceRepository } from '../devices/device.repository.js';
import type { Device } from '../devices/device.model.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { PresenceTracker } from '../devices/presence-tracker.js';
import { TenancyService } from '../tenancy/tenancy.service.js';
import { WebhookCatalog } from '../webhooks/webhook-catalog.js';
import { WEBHOOK_REPOSITORY, type WebhookRepository } from '../webhooks/webhook.repository.js';
import { CHANGE_LOG_REPOSITORY, type ChangeLogRepository, type ChangeRecord } from './change-log.repository.js';
import { within } from '../common/within.js';
import { backgroundErrors, type RateLimitedLog } from '../observability/rate-limited-log.js';
import { StopReport } from '../observability/stop-report.js';

const BATCH = 500;
/** Records written shortly before this instance loaded its caches are applied again (idempotent reloads). */
const START_OVERLAP_MS = 10_000;
const KEEP_MS = 3_600_000;
const PRUNE_EVERY_MS = 600_000;
const STOP_WAIT_MS = 2000;

/**
 * Keeps this instance's caches (webhook catalog and with it the trigger index, device registry) in step with
 * REST writes made through other instances: polls the change log every CLUSTER_POLL_MS and reloads each
 * changed record from the database. With the default 250 ms, a change is seen everywhere well within 1 s.
 * Credentials ended elsewhere end here too: a device or agent deleted or re-keyed (the registry's reload
 * compares what is stored with what it holds), an API token revoked (its own record).
 */
@Injectable()
export class ChangeFollower implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Storage failures repeat on every poll while the database is gone. */
  private readonly failures: RateLimitedLog;
  private last = 0;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private lastPrune = Date.now();
  private readonly startedAt = Date.now();

  constructor(
    @Inject(CHANGE_LOG_REPOSITORY) private readonly changes: ChangeLogRepository,
    @Inject(WEBHOOK_REPOSITORY) private readonly webhooks: WebhookRepository,
    @Inject(DEVICE_REPOSITORY) private readonly devices: DeviceRepository,
    @Inject(AGENT_REPOSITORY) private readonly agents: AgentRepository,
    private readonly catalog: WebhookCatalog,
    private readonly registry: DeviceRegistry,
    private readonly presence: PresenceTracker,
    private readonly tenancy: TenancyService,
    private readonly config: GatewayConfig,
    stopReport: StopReport,
  ) {
    this.failures = backgroundErrors(new Logger(ChangeFollower.name), stopReport);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.last = await this.changes.seqBefore(this.startedAt - START_OVERLAP_MS);
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.config.CLUSTER_POLL_MS);
    this.timer.unref();
  }

  /** One round: every record after the last applied, in order; a failure is retried at the next round. */
  poll(): Promise<void> {
    this.polling = this.polling.then(async () => {
      try {
        for (;;) {
          const records = await this.changes.since(this.last, BATCH);
          const devices = await this.devicesOf(records);
          for (const r of records) {
            if (r.origin !== this.config.GATEWAY_INSTANCE_ID) await this.apply(r, devices);
            this.last = r.seq;
          }
          if (records.length < BATCH) break;
        }
        if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
          this.lastPrune = Date.now();
          await this.changes.prune(Date.now() - KEEP_MS);
        }
      } catch (err) {
        this.failures.error('poll', `following the change log failed, will retry: ${(err as Error).message}`);
      }
    });
    return this.polling;
  }

  /**
   * The devices a batch's REST records name, as stored now, in one read (bulk provisioning through another
   * instance is thousands of records; reloading is idempotent, so the newest state serves every record).
   */
  private async devicesOf(records: ChangeRecord[]): Promise<Map<string, Device>> {
    const ids = new Set<string>();
    for (const r of records) if (r.kind === 'device' && r.origin !== this.config.GATEWAY_INSTANCE_ID) ids.add(r.key);
    if (ids.size === 0) return new Map();
    return new Map((await this.devices.findByIds([...ids])).map((d) => [d.id, d]));
  }

  private async apply(r: ChangeRecord, devices: Map<string, Device>): Promise<void> {
    if (r.kind === 'webhook') {
      const id = Number(r.key);
      this.catalog.reload(await this.webhooks.findById(r.orgId, id), id);
    } else if (r.kind === 'presence') {
      // The record carries the state: no read per announcement (a connect storm elsewhere is thousands).
      if (r.presence) this.presence.adopt(r.key, r.presence);
    } else if (r.kind === 'token') {
      await this.tenancy.revokedElsewhere(Number(r.key));
    } else if (r.kind === 'device') {
      this.registry.reloadDevice(r.key, devices.get(r.key) ?? null);
    } else {
      this.registry.reloadAgent(r.key, await this.agents.findById(r.key));
    }
  }

  /**
   * Before the storage driver closes (in its shutdown hook): a poll in flight may finish, for a while. Past
   * that the stop goes on (a store that fell behind held it for seconds); losing the poll costs nothing, a
   * start reads the log from before it anyway.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await within(this.polling, STOP_WAIT_MS);
  }
}

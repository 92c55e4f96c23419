import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DeploymentMode } from '../config/deployment-mode.js';
import { GatewayConfig } from '../config/gateway-config.js';
import {
  CONNECTION_LEDGER_REPOSITORY,
  type ConnectionLedgerRepository,
} from '../devices/connection-ledger.repository.js';

/**
 * Several live instances on one database need REDIS_URL: without it each keeps its MQTT messages, sessions and
 * retained messages in its own memory, so a message published through one never reaches a device connected to
 * another. Warned loudly at start and whenever another instance appears (the instance leases say which are
 * alive); not refused, since a rolling update runs the old and the new instance together for a while and a
 * refusal would keep the new one from ever becoming ready. What would be lost is refused per request instead:
 * a downlink to a device held by another instance answers 503 (inbound/downlink.service.ts).
 */
@Injectable()
export class InstanceCensus implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('cluster');
  private timer: NodeJS.Timeout | null = null;
  private known = new Set<string>();

  constructor(
    @Inject(CONNECTION_LEDGER_REPOSITORY) private readonly ledger: ConnectionLedgerRepository | null,
    private readonly config: GatewayConfig,
    private readonly mode: DeploymentMode,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.mode.sharedBus || !this.ledger) return;
    await this.count();
    this.timer = setInterval(() => void this.count(), this.config.DELIVERY_CLAIM_LEASE_MS);
    this.timer.unref();
  }

  /** The other live instances; a warning when one is new. A failed read is left to the next turn. */
  private async count(): Promise<void> {
    let live: Set<string>;
    try {
      live = await this.ledger!.liveInstances(Date.now());
    } catch {
      return; // storage unreachable: its writers say so
    }
    live.delete(this.config.GATEWAY_INSTANCE_ID);
    const added = [...live].filter((i) => !this.known.has(i));
    this.known = live;
    if (added.length === 0) return;
    this.logger.warn(
      `${live.size + 1} live gateway instances share this database (others: ${[...live].join(', ')}) but REDIS_URL ` +
        'is not set: MQTT messages, sessions and retained messages stay in each instance, so a device connected ' +
        'to one does not get what is published through another (REST downlinks to it are refused with 503). ' +
        'Set the same REDIS_URL on every instance.',
    );
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

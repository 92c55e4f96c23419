import { Inject, Injectable, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config.js';
import type { Durable } from '../events/gateway-event.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { PresenceState } from './connection-ledger.repository.js';
import type { DeviceRecord, DeviceStatus } from './device.model.js';
import { ClusterPresence, type SweepActions } from './cluster-presence.js';
import { DeviceRegistry } from './device-registry.js';

const NOBODY: ReadonlySet<string> = new Set();

/** Two or more live connections of one owner (a session takeover in progress). */
class Connections extends Set<object> {}

/**
 * Presence state machine (docs/architecture.md §3). A device is online while it holds at least one live connection
 * (counted per connection object, so a session takeover adds the new one before the old one goes and never
 * flips the state backwards). Agents report the status of their devices; an agent's last disconnect takes them
 * offline. Every transition gets the next per-device sequence number and emits one canonical event.
 */
@Injectable()
export class PresenceTracker implements OnApplicationBootstrap {
  // One connection per owner is the rule: it is held as is; a Set only while a takeover overlaps two or more.
  private readonly live = new Map<string, object | Connections>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly metrics: GatewayMetrics,
    private readonly config: GatewayConfig,
    // Several instances on one database (DeploymentMode.sharedDatabase): presence shared through the connection ledger.
    @Optional() @Inject(ClusterPresence) private readonly cluster: ClusterPresence | null = null,
  ) {}

  /**
   * Of these devices, the ones connected (directly or through their agent) only to another live instance
   * (several instances on one database; none on one): a message published here reaches them only through a
   * shared message bus (REDIS_URL).
   */
  async connectedOnlyElsewhere(deviceIds: string[]): Promise<string[]> {
    if (!this.cluster) return [];
    const here = (id: string | null) => id !== null && this.live.has(id);
    const away = deviceIds.flatMap((id) => {
      const d = this.registry.device(id);
      return d && !here(d.id) && !here(d.agentId) ? [d] : [];
    });
    if (away.length === 0) return [];
    const elsewhere = await this.cluster.heldElsewhere(away.flatMap((d) => (d.agentId ? [d.id, d.agentId] : [d.id])));
    return away.filter((d) => elsewhere.has(d.id) || (d.agentId !== null && elsewhere.has(d.agentId))).map((d) => d.id);
  }

  /** A connection of `ownerId` (device or agent) was accepted. */
  connected(ownerId: string, connection: object): void {
    const held = this.live.get(ownerId);
    if (held === undefined) {
      this.live.set(ownerId, connection);
      const device = this.cluster && this.registry.device(ownerId);
      this.cluster?.held(ownerId, device ? device.status !== 'offline' : false);
    } else if (held instanceof Connections) held.add(connection);
    else if (held !== connection) this.live.set(ownerId, new Connections([held, connection]));
    const timer = this.graceTimers.get(ownerId);
    if (timer) {
      clearTimeout(timer);
      this.graceTimers.delete(ownerId);
    }
    const device = this.registry.device(ownerId);
    if (!device) return;
    const now = Date.now();
    this.registry.seen(device, now);
    if (device.firstConnectedAt === null) this.registry.firstConnected(device, now);
    if (device.status === 'offline') this.transition(device, 'online', now);
  }

  /** A connection of `ownerId` closed, for whatever reason (clean, killed socket, keepalive, takeover). */
  disconnected(ownerId: string, connection: object): void {
    const held = this.live.get(ownerId);
    if (held instanceof Connections) {
      if (!held.delete(connection) || held.size > 0) return;
    } else if (held !== connection) return;
    this.live.delete(ownerId);
    this.cluster?.released(ownerId);
    const grace = this.config.PRESENCE_OFFLINE_GRACE_MS;
    if (grace > 0) {
      this.graceTimers.set(
        ownerId,
        setTimeout(() => {
          this.graceTimers.delete(ownerId);
          this.goOffline(ownerId);
        }, grace),
      );
    } else {
      this.goOffline(ownerId);
    }
  }

  isConnected(ownerId: string): boolean {
    return this.live.has(ownerId);
  }

  /** A reported status (`devices/{id}/status`). */
  report(device: DeviceRecord, status: DeviceStatus, ts: number): Durable {
    this.registry.seen(device, ts);
    return device.status !== status ? this.transition(device, status, ts) : undefined;
  }

  /**
   * At start no connection survives: whatever storage says is online is offline now (with several instances:
   * only what no live instance holds). After every module's init, so the trigger engine already listens and
   * these offline events are matched like any other.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.cluster) return this.cluster.start(this.sweepActions);
    const now = Date.now();
    for (const d of this.registry.allDevices())
      if (d.status !== 'offline' && !this.live.has(d.id)) this.transition(d, 'offline', now);
  }

  /**
   * Presence another instance announced (cluster/change-follower.ts), taken as is unless a connection is held
   * here: this instance's state is then the truth, and a device announced offline elsewhere while connected
   * here (their close raced our connect) is online again. Event numbers continue after the highest seen.
   */
  adopt(id: string, announced: PresenceState): void {
    const device = this.registry.device(id);
    if (!device) return;
    if (this.live.has(id)) {
      this.registry.adoptPresence(device, { seq: announced.seq });
      if (announced.status === 'offline' && device.status === 'online') {
        this.cluster?.held(id); // the sweep that took it offline (our lease lapsed) forgot our entry
        this.registry.adoptPresence(device, { status: 'offline' });
        this.transition(device, 'online', Date.now());
      }
      return;
    }
    const { seq, status, lastSeen, firstConnectedAt } = announced;
    this.registry.adoptPresence(device, { seq, status, lastSeen, firstConnectedAt });
  }

  private readonly sweepActions: SweepActions = {
    offline: (device, stored) => {
      // Stored is newer than our copy when ours is offline.
      this.registry.adoptPresence(
        device,
        device.status === 'offline' ? { seq: stored.seq, status: stored.status } : { seq: stored.seq },
      );
      this.transition(device, 'offline', Date.now());
    },
    holdsHere: (ownerId) => this.live.has(ownerId),
  };

  private goOffline(ownerId: string): void {
    const agent = this.registry.agent(ownerId);
    const devices = agent ? this.registry.devicesOfAgent(agent.id) : [this.registry.device(ownerId)];
    if (!this.cluster) return this.settleOffline(devices, NOBODY);
    // Another instance may hold the device (it moved) or the agent: then it stays as it is.
    const ids = agent ? [ownerId, ...devices.map((d) => d!.id)] : [ownerId];
    void this.cluster.heldElsewhere(ids).then(
      (elsewhere) => (elsewhere.has(ownerId) ? undefined : this.settleOffline(devices, elsewhere)),
      () => this.settleOffline(devices, NOBODY), // the database is unreachable: as on one instance
    );
  }

  private settleOffline(devices: (DeviceRecord | undefined)[], elsewhere: ReadonlySet<string>): void {
    const now = Date.now();
    for (const d of devices) {
      // A device with a direct connection of its own stays as it is when its agent goes.
      if (d && d.status !== 'offline' && !this.live.has(d.id) && !elsewhere.has(d.id))
        this.transition(d, 'offline', now);
    }
  }

  private transition(device: DeviceRecord, to: DeviceStatus, ts: number): Durable {
    // Kobiton's rule: a device back online after being utilized is not reported as "online".
    const announce = !(to === 'online' && device.status === 'utilizing');
    const durable = this.registry.setStatus(device, to, ts, announce);
    this.metrics.transitions.inc({ to });
    this.cluster?.changed(device);
    return durable;
  }
}

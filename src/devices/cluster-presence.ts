import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { AnnouncedPresence, ConnectionLedgerRepository } from './connection-ledger.repository.js';
import type { DeviceRecord } from './device.model.js';
import type { DeviceRepository } from './device.repository.js';
import type { DeviceRegistry } from './device-registry.js';
import type { StopReport } from '../observability/stop-report.js';
import { within } from '../common/within.js';
import { backgroundErrors, type RateLimitedLog } from '../observability/rate-limited-log.js';

/** Holds, releases and announcements are written in batches gathered over this long. */
const WRITE_WINDOW_MS = 20;
/** Devices online without any live holder (an entry lost with a crash) are looked for every this many beats. */
const ORPHAN_EVERY_BEATS = 6;
const KEEP_TRANSITIONS_MS = 3_600_000;
const STOP_WAIT_MS = 2000;

const presenceOf = (d: DeviceRecord): AnnouncedPresence => ({
  deviceId: d.id,
  orgId: d.orgId,
  status: d.status,
  seq: d.seq,
  lastSeen: d.lastSeen,
  firstConnectedAt: d.firstConnectedAt,
});

/** What the sweep asks the tracker to do (the tracker owns transitions). */
export interface SweepActions {
  /** `device` has no live connection anywhere: offline, on this instance's behalf (numbered after `stored`). */
  offline(device: DeviceRecord, stored: DeviceRecord): void;
  /** Whether this instance holds a live connection of `ownerId`. */
  holdsHere(ownerId: string): boolean;
}

/**
 * Presence across several instances on one database (MONGODB_URI). Each instance records the owners whose
 * connections it holds (the connection ledger) and announces each transition it makes in a change-log record,
 * which the other instances' followers adopt (cluster/change-follower.ts). An instance whose last connection
 * of a device closes takes it offline only if no other live instance holds one (a device that moved is not
 * flapped). Every third of DELIVERY_CLAIM_LEASE_MS each instance sweeps: the devices held only by instances
 * whose lease ended go offline, each transition won by one instance (a unique insert of a key naming the
 * holding that ended). So a dead instance's devices are offline within the lease plus one beat.
 */
export class ClusterPresence implements BeforeApplicationShutdown {
  /** Storage failures repeat on every batch and beat while the database is gone. */
  private readonly failures: RateLimitedLog;
  private readonly me: string;
  private readonly leaseMs: number;
  private toHold = new Set<string>();
  private toRelease = new Set<string>();
  private toAnnounce = new Set<DeviceRecord>();
  private toCatchUp = new Set<string>();
  private writeTimer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private beatTimer: NodeJS.Timeout | null = null;
  private beat: Promise<void> = Promise.resolve();
  private beats = 0;

  constructor(
    private readonly ledger: ConnectionLedgerRepository,
    private readonly devices: DeviceRepository,
    private readonly registry: DeviceRegistry,
    config: GatewayConfig,
    private readonly stopReport: StopReport,
  ) {
    this.failures = backgroundErrors(new Logger(ClusterPresence.name), stopReport);
    this.me = config.GATEWAY_INSTANCE_ID;
    this.leaseMs = config.DELIVERY_CLAIM_LEASE_MS;
  }

  /**
   * A first connection of `ownerId` here. `moved`: the device looked online already (held elsewhere, most
   * likely): its stored seq is read, to number its events after the ones its last holder gave out (an offline
   * device's last announcement carried its seq, so a connect storm reads nothing).
   */
  held(ownerId: string, moved = false): void {
    this.toRelease.delete(ownerId);
    this.toHold.add(ownerId);
    if (moved) this.toCatchUp.add(ownerId);
    this.schedule();
  }

  released(ownerId: string): void {
    this.toHold.delete(ownerId);
    this.toRelease.add(ownerId);
    this.schedule();
  }

  /** A transition made here, for the other instances. */
  changed(device: DeviceRecord): void {
    this.toAnnounce.add(device);
    this.schedule();
  }

  /** Which of `ownerIds` a live instance other than this one holds (this one's releases are written first). */
  async heldElsewhere(ownerIds: string[]): Promise<Set<string>> {
    await this.write();
    const [entries, live] = await Promise.all([this.ledger.holders(ownerIds), this.ledger.liveInstances(Date.now())]);
    return new Set(entries.filter((e) => e.instance !== this.me && live.has(e.instance)).map((e) => e.ownerId));
  }

  /**
   * At start: what this instance held before it restarted, and devices online with no live holder, go offline
   * (never the devices other live instances hold). Then the sweep runs on every beat.
   */
  async start(actions: SweepActions): Promise<void> {
    await this.sweep(actions, true, true);
    this.beatTimer = setInterval(() => void this.sweepInTurn(actions), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.beatTimer.unref();
  }

  private schedule(): void {
    if (this.writeTimer) return;
    this.writeTimer = setTimeout(() => void this.write(), WRITE_WINDOW_MS);
  }

  /** Writes what is pending, after any write in flight; a failure is logged and retried with the next batch. */
  private write(): Promise<void> {
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = null;
    const hold = [...this.toHold];
    const release = [...this.toRelease];
    const announce = [...this.toAnnounce];
    const catchUp = [...this.toCatchUp];
    this.toCatchUp.clear();
    this.toHold.clear();
    this.toRelease.clear();
    this.toAnnounce.clear();
    this.writing = this.writing.then(async () => {
      try {
        const ended = release.map((ownerId) => ({ ownerId, instance: this.me }));
        await Promise.all([this.ledger.hold(this.me, hold), this.ledger.release(ended)]);
        for (const stored of await this.devices.findByIds(catchUp)) {
          const d = this.registry.device(stored.id);
          if (d) this.registry.adoptPresence(d, { seq: stored.seq });
        }
        await this.ledger.announce(announce.map(presenceOf));
      } catch (err) {
        this.failures.error('write', `writing presence failed, will retry: ${(err as Error).message}`);
        hold.forEach((o) => this.toHold.add(o));
        catchUp.forEach((o) => this.toCatchUp.add(o));
        release.forEach((o) => this.toRelease.add(o));
        announce.forEach((d) => this.toAnnounce.add(d));
        setTimeout(() => this.schedule(), 1000).unref();
      }
    });
    return this.writing;
  }

  private sweepInTurn(actions: SweepActions): Promise<void> {
    this.beat = this.beat.then(() =>
      this.sweep(actions, false, ++this.beats % ORPHAN_EVERY_BEATS === 0).catch((err: Error) =>
        this.failures.error('sweep', `presence sweep failed, will retry: ${err.message}`),
      ),
    );
    return this.beat;
  }

  /**
   * Entries of instances whose lease ended (and, at start, this instance's own from before it restarted: it
   * holds no connection yet, the broker listens after start-up) are gone; their devices go offline unless a
   * live instance holds them or their agent. Each offline is won by one instance: its key names the holding
   * that ended (owner, instance, hold time), the same for every sweeper.
   */
  private async sweep(actions: SweepActions, first: boolean, withOrphans: boolean): Promise<void> {
    const now = Date.now();
    const live = await this.ledger.liveInstances(now);
    if (first) live.delete(this.me);
    else live.add(this.me);
    const stale = await this.ledger.heldOutside([...live]);
    const ended = new Map<DeviceRecord, string>();
    for (const e of stale) for (const d of this.devicesOf(e.ownerId)) ended.set(d, `${d.id}@${e.instance}#${e.at}`);
    // Alone at start, whatever storage says is online is offline now (as with one instance on SQLite).
    const silentSince = first && live.size === 0 ? Infinity : now - this.leaseMs;
    const orphans = withOrphans ? [...this.orphans(silentSince, actions)].filter((d) => !ended.has(d)) : [];
    if (ended.size + orphans.length > 0) {
      const devices = [...ended.keys(), ...orphans];
      const ids = new Set(devices.flatMap((d) => (d.agentId ? [d.id, d.agentId] : [d.id])));
      const elsewhere = await this.heldElsewhere([...ids]);
      const heldLive = (id: string | null) => id !== null && (elsewhere.has(id) || actions.holdsHere(id));
      await this.takeOffline(
        devices.filter((d) => !heldLive(d.id) && !heldLive(d.agentId)),
        ended,
        actions,
      );
    }
    await this.ledger.release(stale);
    if (this.beats % 1000 === 1) await this.ledger.prune(now - KEEP_TRANSITIONS_MS);
  }

  /** The devices of an owner: a device itself, or every device of an agent. */
  private devicesOf(ownerId: string): DeviceRecord[] {
    const device = this.registry.device(ownerId);
    return device ? [device] : this.registry.devicesOfAgent(ownerId);
  }

  /** Not offline here and silent for a lease: a holder's entry may have been lost (a crash before writing it). */
  private *orphans(silentSince: number, actions: SweepActions): Iterable<DeviceRecord> {
    for (const d of this.registry.allDevices())
      if (d.status !== 'offline' && (d.lastSeen ?? 0) < silentSince && !actions.holdsHere(d.id)) yield d;
  }

  /**
   * Devices online here or in storage (the holder's write-behind may not have stored its last announcement),
   * taken offline by the one instance that wins each; an orphan's key is its stored seq.
   */
  private async takeOffline(
    devices: DeviceRecord[],
    ended: Map<DeviceRecord, string>,
    actions: SweepActions,
  ): Promise<void> {
    if (devices.length === 0) return;
    const stored = new Map((await this.devices.findByIds(devices.map((d) => d.id))).map((d) => [d.id, d]));
    const keyed: [DeviceRecord, string][] = [];
    for (const d of devices) {
      const s = stored.get(d.id);
      if (!s || (d.status === 'offline' && s.status === 'offline')) continue;
      keyed.push([d, ended.get(d) ?? `${d.id}:orphan:${s.seq}`]);
    }
    const won = await this.ledger.claimTransitions(keyed.map(([, key]) => key));
    for (const [d, key] of keyed) if (won.has(key)) actions.offline(d, stored.get(d.id)!);
  }

  /**
   * After the last transitions of a clean stop and before the storage driver closes, for a while: what is not
   * written by then the others learn from the sweep once this instance's lease (ended at the stop) is seen.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.beatTimer) clearInterval(this.beatTimer);
    await within(
      this.beat.then(() => this.write()),
      STOP_WAIT_MS,
    );
    this.stopReport.notWritten(
      'presence changes (the others learn them at their sweep)',
      this.toHold.size + this.toRelease.size + this.toAnnounce.size,
    );
  }
}

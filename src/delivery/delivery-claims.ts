import { Inject, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { GatewayConfig } from '../config/gateway-config.js';
import {
  DELIVERY_CLAIM_REPOSITORY,
  type DeliveryClaim,
  type DeliveryClaimRepository,
} from './delivery-claim.repository.js';
import type { Delivery } from './delivery.model.js';
import { DELIVERY_REPOSITORY, type DeliveryRepository } from './delivery.repository.js';
import type { DeliveryOwnership } from './delivery-ownership.js';

/** Rows are claimed in batches gathered over this long (claims are not on the PUBACK path). */
const CLAIM_WINDOW_MS = 5;
const TAKEOVER_BATCH = 500;

type Waiting = { d: Delivery; retry: (d: Delivery) => void };

/**
 * Outbox claims with leases and fencing tokens (Convoy's design), for several instances on one database:
 * a delivery is attempted only by the instance holding its highest-fence claim while its lease runs. Leases are
 * renewed by heartbeat (a third of the lease); an instance that cannot renew stops attempting once its lease
 * could have ended; claims whose lease ended are taken over (next fence) by whichever instance inserts the next
 * fence first, and their deliveries resumed there — at least once, with the same webhook-id.
 */
export class DeliveryClaims implements DeliveryOwnership, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryClaims.name);
  private readonly held = new Map<number, DeliveryClaim>();
  private readonly owner: string;
  private readonly leaseMs: number;
  /** This instance may attempt until then: the last successful renewal plus the lease, less a safety margin. */
  private validUntil = 0;
  private toClaim: Waiting[] = [];
  private parked = new Map<number, Waiting>();
  private released: Pick<DeliveryClaim, 'deliveryId' | 'fence'>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private beat: Promise<void> = Promise.resolve();
  private adopt: (taken: Delivery[]) => void = () => {};

  constructor(
    @Inject(DELIVERY_CLAIM_REPOSITORY) private readonly claims: DeliveryClaimRepository,
    @Inject(DELIVERY_REPOSITORY) private readonly deliveries: DeliveryRepository,
    config: GatewayConfig,
  ) {
    this.owner = config.GATEWAY_INSTANCE_ID;
    this.leaseMs = config.DELIVERY_CLAIM_LEASE_MS;
  }

  async resume(unfinished: Delivery[], adopt: (taken: Delivery[]) => void): Promise<Delivery[]> {
    this.adopt = adopt;
    const started = Date.now();
    await this.claims.extend(this.owner, started + this.leaseMs); // an earlier run under this id
    this.validUntil = started + this.leaseMs * 0.8;
    const mine = await this.acquire(unfinished);
    this.timer = setInterval(() => void this.heartbeat(), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
    return unfinished.filter((d) => mine.has(d.id));
  }

  mayAttempt(d: Delivery, retry: (d: Delivery) => void): boolean {
    if (this.held.has(d.id)) {
      if (Date.now() < this.validUntil) return true;
      this.parked.set(d.id, { d, retry }); // renewal is late: wait for it rather than risk a double send
      return false;
    }
    if (this.toClaim.length === 0) setTimeout(() => void this.claimWaiting(), CLAIM_WINDOW_MS);
    this.toClaim.push({ d, retry });
    return false;
  }

  finished(d: Delivery): void {
    const c = this.held.get(d.id);
    if (!c) return;
    this.held.delete(d.id);
    this.released.push({ deliveryId: c.deliveryId, fence: c.fence });
  }

  /** New rows (and replays): fence 1 when never claimed; otherwise the general path. */
  private async claimWaiting(): Promise<void> {
    const waiting = this.toClaim;
    this.toClaim = [];
    try {
      const inserted = await this.claims.insert(waiting.map((w) => this.claimOf(w.d, 1)));
      for (const c of inserted) this.held.set(c.deliveryId, c);
      const rest = waiting.filter((w) => !this.held.has(w.d.id)).map((w) => w.d);
      if (rest.length > 0) await this.acquire(rest);
    } catch (err) {
      this.logger.error(`claiming ${waiting.length} deliveries failed: ${(err as Error).message}`);
      setTimeout(() => waiting.forEach((w) => this.mayAttempt(w.d, w.retry)), 1000).unref();
      return;
    }
    for (const w of waiting) if (this.held.has(w.d.id)) w.retry(w.d);
  }

  /** Claims what nobody holds, takes over expired claims, keeps its own; returns the ids it now holds. */
  private async acquire(rows: Delivery[]): Promise<Set<number>> {
    const top = highestFence(await this.claims.ofDeliveries(rows.map((d) => d.id)));
    const now = Date.now();
    const wanted: DeliveryClaim[] = [];
    for (const d of rows) {
      const c = top.get(d.id);
      if (c?.owner === this.owner) this.held.set(d.id, c);
      else if (!c) wanted.push(this.claimOf(d, 1));
      else if (c.expiresAt < now) wanted.push(this.claimOf(d, c.fence + 1));
    }
    const won = await this.claims.insert(wanted);
    for (const c of won) this.held.set(c.deliveryId, c);
    const superseded = won.filter((c) => c.fence > 1).map((c) => ({ deliveryId: c.deliveryId, fence: c.fence - 1 }));
    await this.claims.remove(superseded);
    return new Set(rows.filter((d) => this.held.has(d.id)).map((d) => d.id));
  }

  private heartbeat(): Promise<void> {
    this.beat = this.beat.then(async () => {
      try {
        await this.renew();
        await this.takeOver();
      } catch (err) {
        this.logger.error(`delivery claims heartbeat failed: ${(err as Error).message}`);
      }
    });
    return this.beat;
  }

  /** Extends every lease; a claim another instance took over meanwhile (its lease had run out) is dropped. */
  private async renew(): Promise<void> {
    const started = Date.now();
    const released = this.released.splice(0);
    await this.claims.remove(released);
    await this.claims.extend(this.owner, started + this.leaseMs);
    this.validUntil = started + this.leaseMs * 0.8;
    const mine = new Set((await this.claims.ownedBy(this.owner)).map((c) => c.deliveryId));
    const lost = [...this.held.keys()].filter((id) => !mine.has(id));
    for (const id of lost) this.held.delete(id);
    if (lost.length > 0) this.logger.warn(`${lost.length} delivery claims were taken over by other instances`);
    const parked = [...this.parked.values()];
    this.parked.clear();
    for (const p of parked) if (this.held.has(p.d.id)) p.retry(p.d);
  }

  /** Deliveries of instances whose leases ran out, resumed here. */
  private async takeOver(): Promise<void> {
    const expired = await this.claims.expiredBefore(Date.now(), TAKEOVER_BATCH);
    const candidates = expired.filter((c) => c.owner !== this.owner && !this.held.has(c.deliveryId));
    if (candidates.length === 0) return;
    const rows: Delivery[] = [];
    for (const c of candidates) {
      const d = await this.deliveries.findById(c.orgId, c.webhookId, c.deliveryId);
      if (d && (d.status === 'pending' || d.status === 'held')) rows.push(d);
      else this.released.push({ deliveryId: c.deliveryId, fence: c.fence }); // finished, or deleted: the claim is stale
    }
    const mine = await this.acquire(rows);
    const taken = rows.filter((d) => mine.has(d.id));
    if (taken.length === 0) return;
    this.logger.warn(`took over ${taken.length} deliveries of instances whose claims expired`);
    this.adopt(taken);
  }

  private claimOf(d: Delivery, fence: number): DeliveryClaim {
    const { id: deliveryId, orgId, webhookId } = d;
    return { deliveryId, fence, orgId, webhookId, owner: this.owner, expiresAt: Date.now() + this.leaseMs };
  }

  /** At a clean stop the leases end at once, so the other instances take over without waiting. */
  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.beat;
    await this.claims.remove(this.released.splice(0));
    await this.claims.extend(this.owner, 0);
  }
}

function highestFence(claims: DeliveryClaim[]): Map<number, DeliveryClaim> {
  const top = new Map<number, DeliveryClaim>();
  for (const c of claims) if ((top.get(c.deliveryId)?.fence ?? 0) < c.fence) top.set(c.deliveryId, c);
  return top;
}

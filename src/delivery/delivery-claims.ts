import { type BeforeApplicationShutdown, Logger } from '@nestjs/common';
import type { StopReport } from '../observability/stop-report.js';
import { within } from '../common/within.js';
import { backgroundErrors, type RateLimitedLog } from '../observability/rate-limited-log.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { DeliveryClaim, DeliveryClaimRepository } from './delivery-claim.repository.js';
import type { Delivery } from './delivery.model.js';
import type { DeliveryRepository } from './delivery.repository.js';
import type { ClaimSettled, DeliveryOwnership } from './delivery-ownership.js';
import { OrphanedDeliveries } from './orphaned-deliveries.js';

/** Rows are claimed in batches gathered over this long (claims are not on the PUBACK path). */
const CLAIM_WINDOW_MS = 5;
/** Unfinished rows nobody claimed (their instance died between commit and claim) are looked for this rarely. */
const SWEEP_EVERY_BEATS = 6;

/** How long a stop waits for the lease's end to be written. */
const LEASE_END_WAIT_MS = 5000;
type Waiting = { d: Delivery; settled: ClaimSettled | null };

/**
 * Outbox claims with leases and fencing tokens (Convoy's design), for several instances on one database: a
 * delivery is attempted only by the instance holding its highest-fence claim while that instance's lease runs.
 * The lease is renewed by heartbeat (a third of DELIVERY_CLAIM_LEASE_MS); an instance that cannot renew stops
 * attempting once its lease could have ended. The claims of an instance whose lease ended are taken over (next
 * fence) by whichever instance inserts that fence first, and resumed there: at least once, same webhook-id.
 */
export class DeliveryClaims implements DeliveryOwnership, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryClaims.name);
  /** Storage failures repeat on every beat while the database is gone. */
  private readonly failures: RateLimitedLog;
  private readonly held = new Map<number, DeliveryClaim>();
  /** Deliveries this instance's dispatcher has (claimed or not yet): never adopted twice. */
  private readonly local = new Set<number>();
  /** Claims being inserted, with the attempt that waits for each. */
  private readonly claiming = new Map<number, Waiting>();
  private readonly parked = new Map<number, { d: Delivery; settled: ClaimSettled }>();
  private readonly owner: string;
  /** Claims held by a row's `claimedBy` alone (fence 1): no record to remove when released. */
  private readonly unrecorded = new WeakSet<DeliveryClaim>();
  private readonly orphans: OrphanedDeliveries;
  private readonly leaseMs: number;
  /** Attempts stop then unless a renewal succeeds: the last renewal's start plus the lease, less a margin. */
  private validUntil = 0;
  private toClaim: Waiting[] = [];
  private released: Pick<DeliveryClaim, 'deliveryId' | 'fence'>[] = [];
  /**
   * Finished here, their final state not yet written by the delivery log: each keeps its claim (and its place
   * in `local`) until it is, or storage, which still calls the row unfinished, would let a sweep (here or on
   * another instance) take it for a row nobody claimed and send it again.
   */
  private readonly finishing = new Map<number, DeliveryClaim | null>();
  private timer: NodeJS.Timeout | null = null;
  private beat: Promise<void> = Promise.resolve();
  private renewal: Promise<void> = Promise.resolve();
  private renewing = false;
  private takingOver = false;
  private beats = 0;
  private adopt: (taken: Delivery[]) => void = () => {};

  constructor(
    private readonly claims: DeliveryClaimRepository,
    deliveries: DeliveryRepository,
    config: GatewayConfig,
    private readonly stopReport: StopReport,
  ) {
    this.failures = backgroundErrors(this.logger, stopReport);
    this.owner = config.GATEWAY_INSTANCE_ID;
    this.leaseMs = config.DELIVERY_CLAIM_LEASE_MS;
    this.orphans = new OrphanedDeliveries(
      claims,
      deliveries,
      this.owner,
      this.leaseMs,
      this.local,
      (c) => this.released.push({ deliveryId: c.deliveryId, fence: c.fence }),
      (rows, verb, which) => this.resumeHere(rows, verb, which),
    );
  }

  async resume(unfinished: Delivery[], adopt: (taken: Delivery[]) => void): Promise<Delivery[]> {
    this.adopt = adopt;
    await this.renewLease();
    const mine = await this.acquire(unfinished);
    this.timer = setInterval(() => void this.heartbeat(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
    return unfinished.filter((d) => mine.has(d.id));
  }

  get claimant(): string {
    return this.owner;
  }

  committed(deliveries: Delivery[]): void {
    for (const d of deliveries) {
      this.local.add(d.id);
      this.held.set(d.id, this.implicitClaim(d));
    }
  }

  admit(deliveries: Delivery[]): void {
    for (const d of deliveries) {
      this.local.add(d.id);
      if (!this.held.has(d.id) && !this.claiming.has(d.id)) this.queueClaim({ d, settled: null });
    }
  }

  mayAttempt(d: Delivery, settled: ClaimSettled): boolean {
    if (this.held.has(d.id)) {
      if (Date.now() < this.validUntil) return true;
      this.parked.set(d.id, { d, settled }); // renewal is late: wait for it rather than risk a double send
      return false;
    }
    const waiting = this.claiming.get(d.id);
    if (waiting) waiting.settled = settled;
    else this.queueClaim({ d, settled });
    return false;
  }

  finished(d: Delivery): void {
    this.finishing.set(d.id, this.held.get(d.id) ?? null);
    this.held.delete(d.id);
  }

  recorded(deliveries: Delivery[]): void {
    for (const d of deliveries) {
      if (!this.finishing.has(d.id)) continue;
      const c = this.finishing.get(d.id);
      this.finishing.delete(d.id);
      if (c && !this.unrecorded.has(c)) this.released.push({ deliveryId: c.deliveryId, fence: c.fence });
      if (d.status !== 'pending' && d.status !== 'held') this.local.delete(d.id); // not replayed meanwhile
    }
  }

  private queueClaim(w: Waiting): void {
    if (this.toClaim.length === 0) setTimeout(() => void this.claimWaiting(), CLAIM_WINDOW_MS);
    this.toClaim.push(w);
    this.claiming.set(w.d.id, w);
  }

  /**
   * Rows without `claimedBy` (stored before, or replayed after they finished): fence 1 when never claimed;
   * otherwise, and for rows whose committer holds fence 1 by `claimedBy`, the general path.
   */
  private async claimWaiting(): Promise<void> {
    const waiting = this.toClaim;
    this.toClaim = [];
    try {
      const unclaimed = waiting.filter((w) => w.d.claimedBy === undefined);
      const inserted = await this.claims.insert(unclaimed.map((w) => this.claimOf(w.d, 1)));
      for (const c of inserted) this.held.set(c.deliveryId, c);
      const rest = waiting.filter((w) => !this.held.has(w.d.id)).map((w) => w.d);
      if (rest.length > 0) await this.acquire(rest);
    } catch (err) {
      this.failures.error('claim', `claiming ${waiting.length} deliveries failed: ${(err as Error).message}`);
      for (const w of waiting) this.claiming.delete(w.d.id);
      setTimeout(() => waiting.forEach((w) => this.queueClaim(w)), 1000).unref();
      return;
    }
    for (const w of waiting) {
      this.claiming.delete(w.d.id);
      const mine = this.held.has(w.d.id);
      if (!mine) this.local.delete(w.d.id); // another instance holds it and sends it
      w.settled?.(w.d, mine);
    }
  }

  /** Claims what nobody holds, takes over claims of instances whose lease ended, keeps its own. */
  private async acquire(rows: Delivery[]): Promise<Set<number>> {
    if (rows.length === 0) return new Set();
    const [records, leases] = await Promise.all([
      this.claims.ofDeliveries(rows.map((d) => d.id)),
      this.claims.leases(),
    ]);
    const top = highestFence(records);
    // A row's committer holds fence 1 by its `claimedBy`, unless a record says otherwise (records win ties).
    for (const d of rows) if (d.claimedBy !== undefined && !top.has(d.id)) top.set(d.id, this.implicitClaim(d));
    const now = Date.now();
    const wanted: DeliveryClaim[] = [];
    for (const d of rows) {
      const c = top.get(d.id);
      if (c?.owner === this.owner) this.held.set(d.id, c);
      else if (!c) wanted.push(this.claimOf(d, 1));
      else if ((leases.get(c.owner) ?? 0) < now) wanted.push(this.claimOf(d, c.fence + 1));
    }
    const won = await this.claims.insert(wanted);
    for (const c of won) this.held.set(c.deliveryId, c);
    await this.claims.remove(won.filter((c) => c.fence > 1).map((c) => ({ ...c, fence: c.fence - 1 })));
    return new Set(rows.filter((d) => this.held.has(d.id)).map((d) => d.id));
  }

  /**
   * Renews the lease on every beat, on its own: the takeover and the sweep read whole collections (slow on a
   * busy FerretDB) and, queued in front of the renewal, once let this instance's lease lapse while it was alive
   * (the others then took its deliveries and its devices offline). A renewal or takeover still running skips a beat.
   */
  private heartbeat(): void {
    if (!this.renewing) {
      this.renewing = true;
      this.renewal = this.renew()
        .catch((err: Error) => this.failures.error('lease', `renewing the instance lease failed: ${err.message}`))
        .finally(() => (this.renewing = false));
    }
    if (this.takingOver) return;
    this.takingOver = true;
    this.beat = this.beat.then(async () => {
      try {
        await this.orphans.takeOver();
        if (++this.beats % SWEEP_EVERY_BEATS === 0) await this.orphans.sweep();
      } catch (err) {
        this.failures.error('beat', `delivery claims heartbeat failed: ${(err as Error).message}`);
      } finally {
        this.takingOver = false;
      }
    });
  }

  private async renewLease(): Promise<void> {
    const started = Date.now();
    await this.claims.renewLease(this.owner, started + this.leaseMs);
    this.validUntil = started + this.leaseMs * 0.8;
  }

  /** Renews the lease; claims another instance took over meanwhile (this one's lease had ended) are dropped. */
  private async renew(): Promise<void> {
    await this.claims.remove(this.released.splice(0));
    const lapsed = Date.now() >= this.validUntil;
    await this.renewLease();
    if (lapsed) {
      // Claims not found under this owner any more were taken over; the next attempt asks again (acquire
      // decides: a claim inserted while this read ran is still ours).
      // A claim held by `claimedBy` alone has no record to find: it is lost when a higher fence exists.
      const records = await this.claims.ofDeliveries([...this.held.keys()]);
      const top = highestFence(records);
      const lost = [...this.held.entries()]
        .filter(([id, c]) => (this.unrecorded.has(c) ? top.has(id) : top.get(id)?.owner !== this.owner))
        .map(([id]) => id);
      for (const id of lost) this.held.delete(id);
      if (lost.length > 0) this.logger.warn(`${lost.length} delivery claims were taken over by other instances`);
    }
    const parked = [...this.parked.values()];
    this.parked.clear();
    for (const p of parked) if (this.mayAttempt(p.d, p.settled)) p.settled(p.d, true);
  }

  private async resumeHere(rows: Delivery[], verb: string, which: string): Promise<void> {
    const mine = await this.acquire(rows);
    const taken = rows.filter((d) => mine.has(d.id));
    if (taken.length === 0) return;
    this.logger.warn(`${verb} ${taken.length} deliveries ${which}`);
    this.adopt(taken);
  }

  /** The claim a row's committer holds by its `claimedBy`. */
  private implicitClaim(d: Delivery): DeliveryClaim {
    const c = { ...this.claimOf(d, 1), owner: d.claimedBy ?? this.owner };
    this.unrecorded.add(c);
    return c;
  }

  private claimOf(d: Delivery, fence: number): DeliveryClaim {
    return { deliveryId: d.id, fence, orgId: d.orgId, webhookId: d.webhookId, owner: this.owner };
  }

  /**
   * At a clean stop the lease ends at once, so the other instances take over without waiting for it. Before
   * the shutdown hooks: the storage driver closes in its own, and mongoose would hold these writes forever.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // Longer than the other writers' STOP_WAIT_MS: on a busy FerretDB these writes took up to 4.4 s (docs/operations.md).
    // Storage unreachable: the others take over once the lease runs out instead (DELIVERY_CLAIM_LEASE_MS).
    const ended = this.endLease().then(
      () => true,
      () => false,
    );
    if (!(await within(ended, LEASE_END_WAIT_MS)) || !(await ended))
      this.stopReport.notWritten('instance lease end (the others take over when it runs out)', 1);
  }

  private async endLease(): Promise<void> {
    await Promise.all([this.beat, this.renewal]);
    await this.claims.remove(this.released.splice(0));
    await this.claims.renewLease(this.owner, 0);
  }
}

function highestFence(claims: DeliveryClaim[]): Map<number, DeliveryClaim> {
  const top = new Map<number, DeliveryClaim>();
  for (const c of claims) if ((top.get(c.deliveryId)?.fence ?? 0) < c.fence) top.set(c.deliveryId, c);
  return top;
}

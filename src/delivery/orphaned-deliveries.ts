import type { DeliveryClaim, DeliveryClaimRepository } from './delivery-claim.repository.js';
import type { Delivery } from './delivery.model.js';
import type { DeliveryRepository } from './delivery.repository.js';

const TAKEOVER_BATCH = 2000;

/** Resumes `rows` here if this instance wins their claims; `verb` and `which` name them in the log line. */
type ResumeHere = (rows: Delivery[], verb: string, which: string) => Promise<void>;

/**
 * Finds the unfinished deliveries no live instance looks after, for DeliveryClaims to claim and resume here:
 * those of instances whose lease ended, and rows nobody ever claimed.
 */
export class OrphanedDeliveries {
  /** Instances whose lease had ended at the last takeover that completed: their rows were looked for then. */
  private readonly knownDead = new Set<string>();

  constructor(
    private readonly claims: DeliveryClaimRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly owner: string,
    private readonly leaseMs: number,
    /** Deliveries this instance's dispatcher has (claimed or not yet): never adopted twice. */
    private readonly local: ReadonlySet<number>,
    /** A claim whose row is finished or deleted: released at the next renewal. */
    private readonly releaseStale: (c: DeliveryClaim) => void,
    private readonly resumeHere: ResumeHere,
  ) {}

  /**
   * Deliveries of instances whose lease ended, resumed here: those of their claim records, and, once per
   * instance whose lease ended since the last look, the rows it committed (`claimedBy`, no record).
   */
  async takeOver(): Promise<void> {
    const now = Date.now();
    const dead = [...(await this.claims.leases())].filter(([o, t]) => o !== this.owner && t < now).map(([o]) => o);
    for (const o of this.knownDead) if (!dead.includes(o)) this.knownDead.delete(o); // alive again
    const newlyDead = new Set(dead.filter((o) => !this.knownDead.has(o)));
    const candidates = (await this.claims.ownedBy(dead, TAKEOVER_BATCH)).filter((c) => !this.local.has(c.deliveryId));
    if (candidates.length === 0 && newlyDead.size === 0) return;
    // One read of the unfinished rows rather than one per claim (the delivery port has no batched lookup).
    const unfinished = new Map((await this.deliveries.unfinished()).map((d) => [d.id, d]));
    const rows: Delivery[] = [];
    for (const c of candidates) {
      const d = unfinished.get(c.deliveryId);
      if (d) rows.push(d);
      else this.releaseStale(c); // finished or deleted: stale claim
    }
    const listed = new Set(rows.map((d) => d.id));
    for (const d of unfinished.values())
      if (d.claimedBy !== undefined && newlyDead.has(d.claimedBy) && !this.local.has(d.id) && !listed.has(d.id))
        rows.push(d);
    await this.resumeHere(rows, 'took over', 'of instances whose lease ended');
    for (const o of newlyDead) this.knownDead.add(o);
  }

  /**
   * Unfinished rows without a claim, committed a lease ago or more: their instance died before claiming them.
   * A full read of the unfinished rows (no join across collections on FerretDB: no $lookup), hence rare. After
   * a restart it also finds this instance's own earlier claims not paged in yet: the dispatcher leaves those
   * where they are, behind its paging cursor (EndpointQueue.admit).
   */
  async sweep(): Promise<void> {
    const before = Date.now() - this.leaseMs;
    const rows = (await this.deliveries.unfinished()).filter((d) => d.createdAt < before && !this.local.has(d.id));
    await this.resumeHere(rows, 'resumed', 'not in hand here (unclaimed, or claimed before a restart)');
  }
}

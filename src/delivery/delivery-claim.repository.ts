export const DELIVERY_CLAIM_REPOSITORY = Symbol('DeliveryClaimRepository');

/**
 * One instance's claim on one delivery (Convoy's design): only the owner of a delivery's highest-fence claim
 * attempts it, while the owner's lease runs. A takeover inserts the next fence, so two instances can never
 * both win one: (deliveryId, fence) is unique, and a unique insert is atomic on every server (unlike an
 * update, see src/storage/mongo/ids.ts).
 */
export interface DeliveryClaim {
  deliveryId: number;
  fence: number;
  orgId: number;
  webhookId: number;
  owner: string;
}

/**
 * Claims of deliveries, and the leases of the instances that own them: one lease per instance, renewed by its
 * heartbeat (one write however many claims it holds); a claim lives as long as its owner's lease.
 */
export interface DeliveryClaimRepository {
  /** Inserts each claim unless its (deliveryId, fence) exists; returns the ones inserted. */
  insert(claims: DeliveryClaim[]): Promise<DeliveryClaim[]>;
  /** Every claim record of these deliveries (all fences). */
  ofDeliveries(deliveryIds: number[]): Promise<DeliveryClaim[]>;
  /** Claims these instances own, at most `limit`. */
  ownedBy(owners: string[], limit: number): Promise<DeliveryClaim[]>;
  /** Deletes the records of each delivery up to and including the given fence. */
  remove(claims: Pick<DeliveryClaim, 'deliveryId' | 'fence'>[]): Promise<void>;
  /** `owner` is alive until `expiresAt` (written by that instance only). */
  renewLease(owner: string, expiresAt: number): Promise<void>;
  /** Every instance's lease end, by instance id. */
  leases(): Promise<Map<string, number>>;
}

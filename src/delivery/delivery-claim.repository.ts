export const DELIVERY_CLAIM_REPOSITORY = Symbol('DeliveryClaimRepository');

/**
 * One instance's lease on one delivery (Convoy's design): only the owner of a delivery's highest-fence claim
 * attempts it. A takeover inserts the next fence, so two instances can never both win one: (deliveryId, fence)
 * is unique, and a unique insert is atomic on every server (unlike an update, see src/storage/mongo/ids.ts).
 */
export interface DeliveryClaim {
  deliveryId: number;
  fence: number;
  orgId: number;
  webhookId: number;
  owner: string;
  expiresAt: number;
}

/** Claims of deliveries, for several instances sharing one database. */
export interface DeliveryClaimRepository {
  /** Inserts each claim unless its (deliveryId, fence) exists; returns the ones inserted. */
  insert(claims: DeliveryClaim[]): Promise<DeliveryClaim[]>;
  /** Every claim record of these deliveries (all fences). */
  ofDeliveries(deliveryIds: number[]): Promise<DeliveryClaim[]>;
  /** Claim records whose lease ended before `ts`, oldest first. */
  expiredBefore(ts: number, limit: number): Promise<DeliveryClaim[]>;
  ownedBy(owner: string): Promise<DeliveryClaim[]>;
  /** Sets the lease end of every claim `owner` holds. */
  extend(owner: string, expiresAt: number): Promise<void>;
  /** Deletes the records of each delivery up to and including the given fence. */
  remove(claims: Pick<DeliveryClaim, 'deliveryId' | 'fence'>[]): Promise<void>;
}

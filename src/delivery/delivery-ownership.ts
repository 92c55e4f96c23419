import type { Delivery } from './delivery.model.js';

export const DELIVERY_OWNERSHIP = Symbol('DeliveryOwnership');

/** How a claim `mayAttempt` could not grant at once was decided. */
export type ClaimSettled = (d: Delivery, mine: boolean) => void;

/**
 * Which deliveries this instance may attempt, when several share one database (DeliveryClaims); absent with
 * SQLite, where the one instance owns every delivery. The dispatcher asks before each attempt.
 */
export interface DeliveryOwnership {
  /**
   * At start: the stored unfinished rows this instance resumes (its own earlier claims, unclaimed rows and
   * expired claims); `adopt` later receives the deliveries it takes over from dead instances.
   */
  resume(unfinished: Delivery[], adopt: (taken: Delivery[]) => void): Promise<Delivery[]>;
  /**
   * Deliveries the dispatcher now has (committed, resumed, adopted, paged in from storage): claimed at once, in
   * one batch, before their first attempt.
   */
  admit(deliveries: Delivery[]): void;
  /** Written into each row this instance commits (`Delivery.claimedBy`): its claim on the row, fence 1. */
  readonly claimant: string;
  /** Rows this instance just committed with its `claimant`: held at once, no claim record written. */
  committed(deliveries: Delivery[]): void;
  /**
   * True when this instance holds a live claim on `d`. Else false, and `settled(d, mine)` follows once the claim
   * is decided: mine, attempt it then; not mine, another instance holds it and sends it. The dispatcher keeps
   * `d` in its window meanwhile (out of it, a row paged in from behind the cursor had no way back).
   */
  mayAttempt(d: Delivery, settled: ClaimSettled): boolean;
  /** `d` reached a final status: its claim is released once that status is recorded (`recorded`). */
  finished(d: Delivery): void;
  /** The delivery log wrote these rows' state: the claims of those that finished are released now. */
  recorded(deliveries: Delivery[]): void;
}

import type {
  Delivery,
  DeliveryAttempt,
  DeliveryPageQuery,
  DeliveryQuery,
  NewDelivery,
  UnfinishedCount,
} from './delivery.model.js';

export const DELIVERY_REPOSITORY = Symbol('DeliveryRepository');

/** The outbox and the delivery log. */
export interface DeliveryRepository {
  /** Group commit, all or nothing: every row or none; returns them with their ids. */
  insertMany(rows: NewDelivery[]): Promise<Delivery[]>;
  /** State changes and the attempts that caused them, in one transaction. */
  saveMany(deliveries: Delivery[], attempts: DeliveryAttempt[]): Promise<void>;
  /** Webhooks with pending or held rows, counted per status. */
  unfinishedCounts(): Promise<UnfinishedCount[]>;
  /** One webhook's pending and held rows with id above `afterId`, oldest first: the dispatcher pages them in. */
  unfinishedPage(webhookId: number, afterId: number, limit: number): Promise<Delivery[]>;
  /** Every pending and held row, oldest first: a full read, for the rare takeover of a dead instance's claims. */
  unfinished(): Promise<Delivery[]>;
  find(orgId: number, webhookId: number, q: DeliveryQuery): Promise<{ items: Delivery[]; total: number }>;
  /** Keyset page (id < beforeId, newest first) for walks that must see every row, such as replay-since. */
  findPage(orgId: number, webhookId: number, q: DeliveryPageQuery): Promise<Delivery[]>;
  findById(orgId: number, webhookId: number, id: number): Promise<Delivery | null>;
  attempts(deliveryId: number): Promise<DeliveryAttempt[]>;
  /**
   * Deletes finished (delivered, failed, dropped) rows last changed before `ts`, with their attempts, in batches;
   * each delete re-checks the status, so a row replayed meanwhile is kept.
   */
  prune(ts: number): Promise<number>;
}

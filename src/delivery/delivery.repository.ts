import type { Delivery, DeliveryAttempt, DeliveryQuery, NewDelivery } from './delivery.model.js';

export const DELIVERY_REPOSITORY = Symbol('DeliveryRepository');

/** The outbox and the delivery log. */
export interface DeliveryRepository {
  /** Group commit: every row in one transaction; returns them with their ids. */
  insertMany(rows: NewDelivery[]): Promise<Delivery[]>;
  /** State changes and the attempts that caused them, in one transaction. */
  saveMany(deliveries: Delivery[], attempts: DeliveryAttempt[]): Promise<void>;
  /** pending and held rows of every webhook, oldest first: what the dispatcher resumes after a restart. */
  unfinished(): Promise<Delivery[]>;
  find(orgId: number, webhookId: number, q: DeliveryQuery): Promise<{ items: Delivery[]; total: number }>;
  findById(orgId: number, webhookId: number, id: number): Promise<Delivery | null>;
  attempts(deliveryId: number): Promise<DeliveryAttempt[]>;
  /** Deletes finished (delivered, failed, dropped) rows last changed before `ts`, with their attempts. */
  prune(ts: number): Promise<number>;
}

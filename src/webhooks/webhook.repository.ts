import type { Webhook } from './webhook.model.js';

export const WEBHOOK_REPOSITORY = Symbol('WebhookRepository');

export interface WebhookRepository {
  /** Fails with DuplicateKeyError('name') when the org already has a webhook of that name. */
  create(webhook: Omit<Webhook, 'id'>): Promise<Webhook>;
  findById(orgId: number, id: number): Promise<Webhook | null>;
  list(orgId: number): Promise<Webhook[]>;
  update(webhook: Webhook): Promise<void>;
  delete(orgId: number, id: number): Promise<boolean>;
  /** Every webhook of every org, for the in-memory catalog loaded at start. */
  all(): Promise<Webhook[]>;
  /** Write-behind of runtime counters (attemptCount, failureCount, lastTriggeredTs, status): one commit. */
  saveMany(webhooks: Webhook[]): Promise<void>;
}

import type { Webhook, WebhookStatus } from './webhook.model.js';

export const WEBHOOK_REPOSITORY = Symbol('WebhookRepository');

/**
 * What one instance's dispatcher and trigger engine did to a webhook's counters since its last write: applied
 * as atomic increments, so instances sharing one database never overwrite each other's counts.
 */
export interface WebhookCounterDelta {
  id: number;
  /** Added to attemptCount. */
  attemptCount: number;
  /** A delivery succeeded meanwhile: consecutive failures start again from 0 before `failureCount` is added. */
  resetFailures: boolean;
  /** Added to failureCount (after the reset, if any). */
  failureCount: number;
  /** Kept if later than the stored one. */
  lastTriggeredTs: number | null;
}

/** Which runtime fields a REST update decides (the others stay as stored). */
export interface RestWrites {
  status: boolean;
  failureCount: boolean;
}

export interface WebhookRepository {
  /** Fails with DuplicateKeyError('name') when the org already has a webhook of that name. */
  create(webhook: Omit<Webhook, 'id'>): Promise<Webhook>;
  findById(orgId: number, id: number): Promise<Webhook | null>;
  list(orgId: number): Promise<Webhook[]>;
  /**
   * A REST write of the configuration. attemptCount and lastTriggeredTs are never written here (see
   * increment); status and failureCount only when `writes` says the request set them.
   */
  update(webhook: Webhook, writes: RestWrites): Promise<void>;
  delete(orgId: number, id: number): Promise<boolean>;
  /** Every webhook of every org, for the in-memory catalog loaded at start. */
  all(): Promise<Webhook[]>;
  /** Write-behind of runtime counters, as increments: one batch. */
  increment(deltas: WebhookCounterDelta[]): Promise<void>;
  /** Compare-and-set of the status: false (and nothing written) when it is no longer `from`. */
  setStatusIf(id: number, from: WebhookStatus, to: WebhookStatus): Promise<boolean>;
}

/** The fields REST never writes: counters the runtime owns. */
export const RUNTIME_ONLY_FIELDS = ['attemptCount', 'lastTriggeredTs'] as const;

/** The stored fields a REST update writes, by name. */
export function restFields(w: Webhook, writes: RestWrites): Partial<Webhook> {
  const out: Record<string, unknown> = { ...w };
  for (const f of RUNTIME_ONLY_FIELDS) delete out[f];
  if (!writes.status) delete out.status;
  if (!writes.failureCount) delete out.failureCount;
  delete out.id;
  return out as Partial<Webhook>;
}

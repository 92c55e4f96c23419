import type { InboundWebhook } from './inbound-webhook.model.js';

export const INBOUND_WEBHOOK_REPOSITORY = Symbol('InboundWebhookRepository');

export interface InboundWebhookRepository {
  create(w: InboundWebhook): Promise<InboundWebhook>;
  list(orgId: number): Promise<InboundWebhook[]>;
  findById(orgId: number, id: string): Promise<InboundWebhook | null>;
  findByToken(token: string): Promise<InboundWebhook | null>;
  update(w: InboundWebhook): Promise<void>;
  delete(orgId: number, id: string): Promise<boolean>;
}

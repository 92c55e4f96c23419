import type { InboundWebhook } from '../../inbound/inbound-webhook.model.js';
import type { InboundWebhookRepository } from '../../inbound/inbound-webhook.repository.js';
import type { AnyModel } from './model.js';

export class MongoInboundWebhookRepository implements InboundWebhookRepository {
  constructor(private readonly m: AnyModel) {}
  async create(w: InboundWebhook): Promise<InboundWebhook> {
    await this.m.create({ _id: w.id, orgId: w.orgId, token: w.token, doc: w });
    return w;
  }
  async list(orgId: number) {
    return (await this.m.find({ orgId }).lean()).map((o) => o.doc as InboundWebhook);
  }
  async findById(orgId: number, id: string) {
    return ((await this.m.findOne({ _id: id, orgId }).lean())?.doc as InboundWebhook) ?? null;
  }
  async findByToken(token: string) {
    return ((await this.m.findOne({ token }).lean())?.doc as InboundWebhook) ?? null;
  }
  async update(w: InboundWebhook): Promise<void> {
    await this.m.updateOne({ _id: w.id, orgId: w.orgId }, { $set: { doc: w } });
  }
  async delete(orgId: number, id: string) {
    return (await this.m.deleteOne({ _id: id, orgId })).deletedCount > 0;
  }
}

import type { Webhook } from '../../webhooks/webhook.model.js';
import type { WebhookRepository } from '../../webhooks/webhook.repository.js';
import type { Ids } from './ids.js';
import { type AnyModel, unique } from './model.js';

export class MongoWebhookRepository implements WebhookRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly ids: Ids,
  ) {}

  async create(w: Omit<Webhook, 'id'>): Promise<Webhook> {
    const webhook = { ...w, id: await this.ids.next('webhooks') };
    await unique('name', () => this.m.create({ _id: webhook.id, orgId: w.orgId, name: w.name, doc: webhook }));
    return webhook;
  }

  async findById(orgId: number, id: number) {
    return ((await this.m.findOne({ _id: id, orgId }).lean())?.doc as Webhook) ?? null;
  }

  async list(orgId: number) {
    return (await this.m.find({ orgId }).sort({ _id: 1 }).lean()).map((o) => o.doc as Webhook);
  }

  async update(w: Webhook): Promise<void> {
    await unique('name', () => this.m.updateOne({ _id: w.id, orgId: w.orgId }, { $set: { name: w.name, doc: w } }));
  }

  async delete(orgId: number, id: number) {
    return (await this.m.deleteOne({ _id: id, orgId })).deletedCount > 0;
  }

  async all() {
    return (await this.m.find().sort({ _id: 1 }).lean()).map((o) => o.doc as Webhook);
  }

  async saveMany(webhooks: Webhook[]): Promise<void> {
    if (webhooks.length === 0) return;
    await this.m.bulkWrite(
      webhooks.map((w) => ({ updateOne: { filter: { _id: w.id }, update: { $set: { doc: w } } } })),
      { ordered: false },
    );
  }
}

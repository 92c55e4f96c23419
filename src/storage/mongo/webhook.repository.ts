import type { Webhook, WebhookStatus } from '../../webhooks/webhook.model.js';
import {
  restFields,
  type RestWrites,
  type WebhookCounterDelta,
  type WebhookRepository,
} from '../../webhooks/webhook.repository.js';
import type { MongoChangeLog } from './change-log.js';
import type { Ids } from './ids.js';
import { type AnyModel, unique } from './model.js';
import type { BulkWrites } from './bulk-writes.js';

/**
 * `{ $set: { 'doc.a': 1 }, $unset: { 'doc.b': '' } }`: fields of the stored document written one by one, the
 * others left as they are; an undefined field is removed (as JSON.stringify leaves it out on SQLite).
 */
function inDoc(fields: object): { $set: Record<string, unknown>; $unset?: Record<string, ''> } {
  const entries = Object.entries(fields);
  const $set = Object.fromEntries(entries.filter(([, v]) => v !== undefined).map(([k, v]) => [`doc.${k}`, v]));
  const unset = entries.filter(([, v]) => v === undefined).map(([k]) => [`doc.${k}`, ''] as const);
  return unset.length > 0 ? { $set, $unset: Object.fromEntries(unset) } : { $set };
}

export class MongoWebhookRepository implements WebhookRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly ids: Ids,
    private readonly changes: MongoChangeLog,
    private readonly bulk: BulkWrites,
  ) {}

  async create(w: Omit<Webhook, 'id'>): Promise<Webhook> {
    const webhook = { ...w, id: await this.ids.next('webhooks') };
    await unique('name', () => this.m.create({ _id: webhook.id, orgId: w.orgId, name: w.name, doc: webhook }));
    await this.changes.append('webhook', w.orgId, webhook.id);
    return webhook;
  }

  async findById(orgId: number, id: number) {
    return ((await this.m.findOne({ _id: id, orgId }).lean())?.doc as Webhook) ?? null;
  }

  async list(orgId: number) {
    return (await this.m.find({ orgId }).sort({ _id: 1 }).lean()).map((o) => o.doc as Webhook);
  }

  async update(w: Webhook, writes: RestWrites): Promise<void> {
    const update = inDoc(restFields(w, writes));
    update.$set.name = w.name;
    await unique('name', () => this.m.updateOne({ _id: w.id, orgId: w.orgId }, update));
    await this.changes.append('webhook', w.orgId, w.id);
  }

  async delete(orgId: number, id: number) {
    const deleted = (await this.m.deleteOne({ _id: id, orgId })).deletedCount > 0;
    if (deleted) await this.changes.append('webhook', orgId, id);
    return deleted;
  }

  async all() {
    return (await this.m.find().sort({ _id: 1 }).lean()).map((o) => o.doc as Webhook);
  }

  async increment(deltas: WebhookCounterDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await this.bulk.write(
      this.m,
      deltas.map((d) => {
        const update: Record<string, Record<string, number>> = {
          $inc: { 'doc.attemptCount': d.attemptCount },
        };
        if (d.resetFailures) update.$set = { 'doc.failureCount': d.failureCount };
        else update.$inc['doc.failureCount'] = d.failureCount;
        if (d.lastTriggeredTs !== null) update.$max = { 'doc.lastTriggeredTs': d.lastTriggeredTs };
        return { updateOne: { filter: { _id: d.id }, update } };
      }),
      { ordered: false },
    );
  }

  async setStatusIf(id: number, from: WebhookStatus, to: WebhookStatus): Promise<boolean> {
    const r = await this.m.updateOne({ _id: id, 'doc.status': from }, { $set: { 'doc.status': to } });
    if (r.modifiedCount === 0) return false;
    // Other instances must stop sending too: a status the system set is announced like a REST write.
    const w = await this.m.findById(id, { orgId: 1 }).lean();
    if (w) await this.changes.append('webhook', w.orgId as number, id);
    return true;
  }
}

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

type HealthRow = { _id: number; attemptCount?: number; failureCount?: number; lastTriggeredTs?: number | null };

/** The stored webhook with its counters, which live apart (`webhook_health`). */
function withHealth(doc: Webhook, h: HealthRow | null | undefined): Webhook {
  if (!h) return doc;
  return {
    ...doc,
    attemptCount: h.attemptCount ?? doc.attemptCount,
    failureCount: h.failureCount ?? doc.failureCount,
    lastTriggeredTs: h.lastTriggeredTs ?? doc.lastTriggeredTs,
  };
}

/**
 * Webhooks in two collections: `webhooks` holds the configuration, written by REST; `webhook_health` the counters
 * the runtime adds to (attempts, consecutive failures, last trigger). One writer per document: a server that
 * applies an update as read-modify-write of the whole document (FerretDB v1.24 does, see ids.ts) could
 * otherwise write an instance's stale URL back over another's REST change while it adds to a counter.
 */
export class MongoWebhookRepository implements WebhookRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly healthM: AnyModel,
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
    const [row, health] = await Promise.all([
      this.m.findOne({ _id: id, orgId }).lean(),
      this.healthM.findById(id).lean(),
    ]);
    return row ? withHealth(row.doc as Webhook, health as HealthRow | null) : null;
  }

  async list(orgId: number) {
    const rows = await this.m.find({ orgId }).sort({ _id: 1 }).lean();
    const health = await this.healthM.find({ _id: { $in: rows.map((r) => r._id) } }).lean();
    return this.joined(rows, health as HealthRow[]);
  }

  async update(w: Webhook, writes: RestWrites): Promise<void> {
    const update = inDoc(restFields(w, { ...writes, failureCount: false }));
    update.$set.name = w.name;
    await unique('name', () => this.m.updateOne({ _id: w.id, orgId: w.orgId }, update));
    if (writes.failureCount)
      await this.healthM.updateOne({ _id: w.id }, { $set: { failureCount: w.failureCount } }, { upsert: true });
    await this.changes.append('webhook', w.orgId, w.id);
  }

  async delete(orgId: number, id: number) {
    const deleted = (await this.m.deleteOne({ _id: id, orgId })).deletedCount > 0;
    if (deleted) {
      await this.healthM.deleteOne({ _id: id });
      await this.changes.append('webhook', orgId, id);
    }
    return deleted;
  }

  async all() {
    const [rows, health] = await Promise.all([this.m.find().sort({ _id: 1 }).lean(), this.healthM.find().lean()]);
    return this.joined(rows, health as HealthRow[]);
  }

  private joined(rows: { _id: unknown; doc?: unknown }[], health: HealthRow[]): Webhook[] {
    const byId = new Map(health.map((h) => [h._id, h]));
    return rows.map((r) => withHealth(r.doc as Webhook, byId.get(r._id as number)));
  }

  /**
   * Webhooks stored by releases that kept the counters in the configuration get their health row from it, once
   * (an instance racing this one to it loses nothing: the row either exists or is inserted by one of them).
   */
  async migrate(): Promise<void> {
    const [rows, health] = await Promise.all([this.m.find().lean(), this.healthM.find({}, { _id: 1 }).lean()]);
    const has = new Set(health.map((h) => h._id));
    const missing = rows
      .filter((r) => !has.has(r._id))
      .map((r) => {
        const w = r.doc as Webhook;
        return {
          _id: r._id,
          attemptCount: w.attemptCount,
          failureCount: w.failureCount,
          lastTriggeredTs: w.lastTriggeredTs,
        };
      });
    if (missing.length === 0) return;
    await this.healthM.collection.insertMany(missing as never[], { ordered: false }).catch((e: { code?: number }) => {
      if (e.code !== 11000 && !String(e).includes('E11000')) throw e;
    });
  }

  /** Counters as increments of the health row (a new webhook's row starts at 0, as its configuration does). */
  async increment(deltas: WebhookCounterDelta[]): Promise<void> {
    if (deltas.length === 0) return;
    await this.bulk.write(
      this.healthM,
      deltas.map((d) => {
        const update: Record<string, Record<string, number>> = { $inc: { attemptCount: d.attemptCount } };
        if (d.resetFailures) update.$set = { failureCount: d.failureCount };
        else update.$inc.failureCount = d.failureCount;
        if (d.lastTriggeredTs !== null) update.$max = { lastTriggeredTs: d.lastTriggeredTs };
        return { updateOne: { filter: { _id: d.id }, update, upsert: true } };
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

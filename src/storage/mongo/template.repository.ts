import type { Template } from '../../templates/template.model.js';
import type { TemplateRepository } from '../../templates/template.repository.js';
import { type AnyModel, unique } from './model.js';

/** Keyed by (orgId, id): template ids are unique per organization (schemas.ts, TemplateS). */
export class MongoTemplateRepository implements TemplateRepository {
  constructor(private readonly m: AnyModel) {}
  async create(t: Template): Promise<Template> {
    await unique('id', () => this.m.create({ _id: `${t.orgId}/${t.id}`, orgId: t.orgId, id: t.id, doc: t }));
    return t;
  }
  async all(): Promise<Template[]> {
    return (await this.m.find().lean()).map((o) => o.doc as Template);
  }
  async update(t: Template): Promise<void> {
    await this.m.updateOne({ orgId: t.orgId, id: t.id }, { $set: { doc: t } });
  }
  async delete(orgId: number, id: string): Promise<boolean> {
    return (await this.m.deleteOne({ orgId, id })).deletedCount > 0;
  }
  /**
   * Rows stored while template ids were global have `_id` = the id and no `id` field: each is given one, once,
   * so the (orgId, id) index and queries cover them. Idempotent, so instances starting together are safe.
   */
  async migrate(): Promise<void> {
    const old = await this.m.find({ id: { $exists: false } }, { _id: 1 }).lean();
    for (const o of old) await this.m.updateOne({ _id: o._id, id: { $exists: false } }, { $set: { id: o._id } });
  }
}

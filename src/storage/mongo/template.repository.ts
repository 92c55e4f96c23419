import type { Template } from '../../templates/template.model.js';
import type { TemplateRepository } from '../../templates/template.repository.js';
import { type AnyModel, unique } from './model.js';

export class MongoTemplateRepository implements TemplateRepository {
  constructor(private readonly m: AnyModel) {}
  async create(t: Template): Promise<Template> {
    await unique('id', () => this.m.create({ _id: t.id, orgId: t.orgId, doc: t }));
    return t;
  }
  async all(): Promise<Template[]> {
    return (await this.m.find().lean()).map((o) => o.doc as Template);
  }
  async update(t: Template): Promise<void> {
    await this.m.updateOne({ _id: t.id, orgId: t.orgId }, { $set: { doc: t } });
  }
  async delete(orgId: number, id: string): Promise<boolean> {
    return (await this.m.deleteOne({ _id: id, orgId })).deletedCount > 0;
  }
}

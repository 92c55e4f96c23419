import { type AnyModel, unique } from './model.js';

/** Devices and agents: the domain object stored as `doc` under its id. */
export class MongoDocumentCollection<T extends { id: string; orgId: number }> {
  constructor(protected readonly m: AnyModel) {}

  async create(doc: T): Promise<T> {
    await unique('id', () => this.m.create({ _id: doc.id, orgId: doc.orgId, doc }));
    return doc;
  }

  async all(): Promise<T[]> {
    return (await this.m.find().lean()).map((o) => o.doc as T);
  }

  async update(doc: T): Promise<void> {
    await this.m.updateOne({ _id: doc.id }, { $set: { doc } });
  }

  async delete(id: string): Promise<boolean> {
    return (await this.m.deleteOne({ _id: id })).deletedCount > 0;
  }
}

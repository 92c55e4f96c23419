import type { ChangeKind } from '../../cluster/change-log.repository.js';
import type { MongoChangeLog } from './change-log.js';
import { type AnyModel, unique } from './model.js';

/** Devices and agents: the domain object stored as `doc` under its id; REST writes go to the change log. */
export class MongoDocumentCollection<T extends { id: string; orgId: number }> {
  constructor(
    protected readonly m: AnyModel,
    private readonly changes: MongoChangeLog,
    private readonly kind: ChangeKind,
  ) {}

  async create(doc: T): Promise<T> {
    await unique('id', () => this.m.create({ _id: doc.id, orgId: doc.orgId, doc }));
    await this.changes.append(this.kind, doc.orgId, doc.id);
    return doc;
  }

  async findById(id: string): Promise<T | null> {
    return ((await this.m.findById(id).lean())?.doc as T) ?? null;
  }

  async all(): Promise<T[]> {
    return (await this.m.find().lean()).map((o) => o.doc as T);
  }

  async update(doc: T): Promise<void> {
    await this.write(doc, { $set: { doc } });
  }

  /** A REST write: the stored document changes, then the other instances are told. */
  protected async write(doc: T, update: Record<string, unknown>): Promise<void> {
    await this.m.updateOne({ _id: doc.id }, update);
    await this.changes.append(this.kind, doc.orgId, doc.id);
  }

  async delete(id: string): Promise<boolean> {
    const deleted = (await this.m.deleteOne({ _id: id })).deletedCount > 0;
    if (deleted) await this.changes.append(this.kind, 0, id);
    return deleted;
  }
}

import type { Organization } from '../../tenancy/organization.model.js';
import type { OrganizationRepository } from '../../tenancy/organization.repository.js';
import type { Ids } from './ids.js';
import { type AnyModel, strip } from './model.js';

const withParent = (o: Organization | null): Organization | null => o && { ...o, parentId: o.parentId ?? null };

export class MongoOrganizationRepository implements OrganizationRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly ids: Ids,
  ) {}

  async create(name: string, parentId: number | null = null): Promise<Organization> {
    const o = { _id: await this.ids.next('organizations'), name, parentId, createdAt: Date.now() };
    await this.m.create(o);
    return strip<Organization>(o)!;
  }

  async findById(id: number) {
    return withParent(strip<Organization>(await this.m.findById(id).lean()));
  }

  async all() {
    const docs = (await this.m.find().sort({ _id: 1 }).lean()) as Record<string, unknown>[];
    return docs.map((d) => withParent(strip<Organization>(d))!);
  }

  async count() {
    return this.m.countDocuments();
  }
}

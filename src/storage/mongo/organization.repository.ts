import type { Organization } from '../../tenancy/organization.model.js';
import type { OrganizationRepository } from '../../tenancy/organization.repository.js';
import type { Ids } from './ids.js';
import { type AnyModel, strip } from './model.js';

export class MongoOrganizationRepository implements OrganizationRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly ids: Ids,
  ) {}

  async create(name: string): Promise<Organization> {
    const o = { _id: await this.ids.next('organizations'), name, createdAt: Date.now() };
    await this.m.create(o);
    return strip<Organization>(o)!;
  }

  async findById(id: number) {
    return strip<Organization>(await this.m.findById(id).lean());
  }

  async count() {
    return this.m.countDocuments();
  }
}

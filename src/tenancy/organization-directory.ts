import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Organization } from './organization.model.js';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from './organization.repository.js';

/**
 * Every organization's name and parent, in memory: placeholders (`device_orgName`), the `?orgId=` check and the
 * GLOBAL_PRODUCT_* triggers ask it on the request and event paths. An id it does not know (created by another
 * instance sharing MongoDB) is read from storage once.
 */
@Injectable()
export class OrganizationDirectory implements OnModuleInit {
  private readonly byId = new Map<number, Organization>();
  private readonly ancestorsOf = new Map<number, readonly number[]>();

  constructor(@Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository) {}

  async onModuleInit(): Promise<void> {
    for (const o of await this.organizations.all()) this.byId.set(o.id, o);
  }

  add(o: Organization): void {
    this.byId.set(o.id, o);
  }

  name(id: number): string | undefined {
    return this.byId.get(id)?.name;
  }

  /** The organization, from memory or else from storage. */
  async find(id: number): Promise<Organization | null> {
    const known = this.byId.get(id);
    if (known) return known;
    const stored = await this.organizations.findById(id);
    if (stored) this.byId.set(id, stored);
    return stored;
  }

  /** The org's parent, its parent's parent, ... (nearest first); cached, as the tree only grows. */
  ancestors(id: number): readonly number[] {
    let list = this.ancestorsOf.get(id);
    if (!list) {
      const out: number[] = [];
      for (let p = this.byId.get(id)?.parentId ?? null; p !== null && !out.includes(p);) {
        out.push(p);
        p = this.byId.get(p)?.parentId ?? null;
      }
      list = out;
      if (this.byId.has(id)) this.ancestorsOf.set(id, list);
    }
    return list;
  }

  /** True when `orgId` is `ancestorId` itself or one of its sub-organizations, at any depth. */
  isWithin(orgId: number, ancestorId: number): boolean {
    return orgId === ancestorId || this.ancestors(orgId).includes(ancestorId);
  }
}

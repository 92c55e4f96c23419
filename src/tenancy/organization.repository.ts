import type { Organization } from './organization.model.js';

export const ORGANIZATION_REPOSITORY = Symbol('OrganizationRepository');

export interface OrganizationRepository {
  create(name: string, parentId?: number | null): Promise<Organization>;
  findById(id: number): Promise<Organization | null>;
  /** Every organization: the directory holds them in memory (names and the parent tree). */
  all(): Promise<Organization[]>;
  count(): Promise<number>;
}

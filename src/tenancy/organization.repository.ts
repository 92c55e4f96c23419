import type { Organization } from './organization.model.js';

export const ORGANIZATION_REPOSITORY = Symbol('OrganizationRepository');

export interface OrganizationRepository {
  create(name: string): Promise<Organization>;
  findById(id: number): Promise<Organization | null>;
  count(): Promise<number>;
}

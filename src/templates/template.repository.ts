import type { Template } from './template.model.js';

export const TEMPLATE_REPOSITORY = Symbol('TemplateRepository');

export interface TemplateRepository {
  /** Fails with DuplicateKeyError('id') when the org has a template with this id (ids are unique per org). */
  create(t: Template): Promise<Template>;
  /** Every template: the directory holds their names in memory. */
  all(): Promise<Template[]>;
  update(t: Template): Promise<void>;
  delete(orgId: number, id: string): Promise<boolean>;
}

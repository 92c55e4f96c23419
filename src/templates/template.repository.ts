import type { Template } from './template.model.js';

export const TEMPLATE_REPOSITORY = Symbol('TemplateRepository');

export interface TemplateRepository {
  /** Fails with DuplicateKeyError('id') when the id is taken (template ids are global, like device ids). */
  create(t: Template): Promise<Template>;
  /** Every template: the directory holds their names in memory. */
  all(): Promise<Template[]>;
  update(t: Template): Promise<void>;
  delete(orgId: number, id: string): Promise<boolean>;
}

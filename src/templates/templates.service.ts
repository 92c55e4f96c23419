import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ApiError } from '../common/api-error.js';
import { DuplicateKeyError } from '../common/duplicate-key.error.js';
import { type Page, pageOf } from '../common/page.js';
import { useNames } from '../delivery/render/placeholders.js';
import { OrganizationDirectory } from '../tenancy/organization-directory.js';
import type { CreateTemplateDto, ListTemplatesQuery, UpdateTemplateDto } from './template.dto.js';
import type { Template } from './template.model.js';
import { TEMPLATE_REPOSITORY, type TemplateRepository } from './template.repository.js';

/**
 * Device templates (Blynk's products), held in memory: `device_productName` is read on every rendered callback.
 * A sub-organization sees its own templates and those of the organizations above it.
 */
@Injectable()
export class TemplatesService implements OnModuleInit {
  private readonly byId = new Map<string, Template>();

  constructor(
    @Inject(TEMPLATE_REPOSITORY) private readonly templates: TemplateRepository,
    private readonly directory: OrganizationDirectory,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const t of await this.templates.all()) this.byId.set(t.id, t);
    useNames({
      orgName: (id) => this.directory.name(id),
      templateName: (id) => this.byId.get(id)?.name,
    });
  }

  list(orgId: number, q: ListTemplatesQuery): Page<Template> {
    const all = [...this.byId.values()]
      .filter((t) => t.orgId === orgId)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    return pageOf(all, q);
  }

  /** One of the org's templates, or one of an organization above it (read-only there). */
  get(orgId: number, id: string, own = false): Template {
    const t = this.byId.get(id);
    if (!t || !(t.orgId === orgId || (!own && this.directory.isWithin(orgId, t.orgId))))
      throw ApiError.notFound('Template');
    return t;
  }

  async create(orgId: number, dto: CreateTemplateDto): Promise<Template> {
    const now = Date.now();
    const t: Template = {
      id: dto.id ?? `TMPL${randomBytes(5).toString('hex').toUpperCase()}`,
      orgId,
      name: dto.name,
      description: dto.description ?? '',
      createdAt: now,
      lastModifiedTs: now,
    };
    try {
      await this.templates.create(t);
    } catch (e) {
      if (e instanceof DuplicateKeyError) throw ApiError.conflict(`a template with id ${t.id} already exists`);
      throw e;
    }
    this.byId.set(t.id, t);
    return t;
  }

  async update(orgId: number, id: string, dto: UpdateTemplateDto): Promise<Template> {
    const t = { ...this.get(orgId, id, true) };
    if (dto.name !== undefined) t.name = dto.name;
    if (dto.description !== undefined) t.description = dto.description;
    t.lastModifiedTs = Date.now();
    await this.templates.update(t);
    this.byId.set(t.id, t);
    return t;
  }

  async remove(orgId: number, id: string): Promise<void> {
    this.get(orgId, id, true);
    if (!(await this.templates.delete(orgId, id))) throw ApiError.notFound('Template');
    this.byId.delete(id);
  }
}

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ApiError } from '../common/api-error.js';
import { DuplicateKeyError } from '../common/duplicate-key.error.js';
import { type Page, pageOf } from '../common/page.js';
import type { NameLookup } from './name-lookup.js';
import { OrganizationDirectory } from '../tenancy/organization-directory.js';
import type { CreateTemplateDto, ListTemplatesQuery, UpdateTemplateDto } from './template.dto.js';
import type { Template } from './template.model.js';
import { TEMPLATE_REPOSITORY, type TemplateRepository } from './template.repository.js';

/** Template ids are an organization's own: two organizations may both have a "TMPL1". */
const key = (orgId: number, id: string) => `${orgId}/${id}`;

/**
 * Device templates (Blynk's products), held in memory: `device_productName` is looked up at every match.
 * A sub-organization sees its own templates and those of the organizations above it (its own first, then the
 * nearest above); never another organization's.
 */
@Injectable()
export class TemplatesService implements OnModuleInit, NameLookup {
  private readonly byKey = new Map<string, Template>();

  constructor(
    @Inject(TEMPLATE_REPOSITORY) private readonly templates: TemplateRepository,
    private readonly directory: OrganizationDirectory,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const t of await this.templates.all()) this.byKey.set(key(t.orgId, t.id), t);
  }

  list(orgId: number, q: ListTemplatesQuery): Page<Template> {
    const all = [...this.byKey.values()]
      .filter((t) => t.orgId === orgId)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    return pageOf(all, q);
  }

  /** One of the org's templates, or (unless `own`) one of an organization above it, read-only there. */
  get(orgId: number, id: string, own = false): Template {
    const t = own ? this.byKey.get(key(orgId, id)) : this.visible(orgId, id);
    if (!t) throw ApiError.notFound('Template');
    return t;
  }

  templateName(orgId: number, templateId: string): string | undefined {
    return this.visible(orgId, templateId)?.name;
  }

  orgName(orgId: number): string | undefined {
    return this.directory.name(orgId);
  }

  /** The template `id` as `orgId` sees it: its own, else the nearest organization above it that has one. */
  private visible(orgId: number, id: string): Template | undefined {
    const mine = this.byKey.get(key(orgId, id));
    if (mine) return mine;
    for (const above of this.directory.ancestors(orgId)) {
      const t = this.byKey.get(key(above, id));
      if (t) return t;
    }
    return undefined;
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
      // Unique per organization: the conflict is always with one of the caller's own templates.
      if (e instanceof DuplicateKeyError) throw ApiError.conflict(`this organization has a template with id ${t.id}`);
      throw e;
    }
    this.byKey.set(key(orgId, t.id), t);
    return t;
  }

  async update(orgId: number, id: string, dto: UpdateTemplateDto): Promise<Template> {
    const t = { ...this.get(orgId, id, true) };
    if (dto.name !== undefined) t.name = dto.name;
    if (dto.description !== undefined) t.description = dto.description;
    t.lastModifiedTs = Date.now();
    await this.templates.update(t);
    this.byKey.set(key(orgId, t.id), t);
    return t;
  }

  async remove(orgId: number, id: string): Promise<void> {
    this.get(orgId, id, true);
    if (!(await this.templates.delete(orgId, id))) throw ApiError.notFound('Template');
    this.byKey.delete(key(orgId, id));
  }
}

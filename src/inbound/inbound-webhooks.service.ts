import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ApiError } from '../common/api-error.js';
import { globMatch } from '../common/glob.js';
import { SecretBox } from '../common/secret-box.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { MASK, WebhooksService } from '../webhooks/webhooks.service.js';
import type {
  CreateInboundWebhookDto,
  ListInboundWebhooksQuery,
  UpdateInboundWebhookDto,
} from './inbound-webhook.dto.js';
import type { InboundTarget, InboundWebhook } from './inbound-webhook.model.js';
import { INBOUND_WEBHOOK_REPOSITORY, type InboundWebhookRepository } from './inbound-webhook.repository.js';
import { resourceLog } from '../observability/resource-log.js';

export type InboundWebhookView = Omit<InboundWebhook, 'orgId' | 'basicAuthPassword'> & {
  applicationId: string;
  basicAuthPassword?: string;
};

/** The inbound webhook resource: ids and tokens issued here; the token never changes. */
@Injectable()
export class InboundWebhooksService {
  constructor(
    @Inject(INBOUND_WEBHOOK_REPOSITORY) private readonly repository: InboundWebhookRepository,
    private readonly box: SecretBox,
    private readonly registry: DeviceRegistry,
    private readonly outbound: WebhooksService,
  ) {}

  async list(orgId: number, q: ListInboundWebhooksQuery, showTokens = true) {
    let all = await this.repository.list(orgId);
    const totalCount = all.length;
    if (q.filter !== undefined) {
      // Losant's glob: `*` any run of characters, `?` one; case-insensitive; no regex (see common/glob.ts).
      const filter = q.filter;
      all = all.filter((w) => globMatch(filter, w.name));
    }
    const field = q.sortField as keyof InboundWebhook;
    const dir = q.sortDirection === 'desc' ? -1 : 1;
    all.sort((a, b) => String(a[field]).localeCompare(String(b[field])) * dir || a.id.localeCompare(b.id));
    const items = all.slice(q.page * q.perPage, (q.page + 1) * q.perPage).map((w) => this.view(w, showTokens));
    return {
      items,
      count: items.length,
      totalCount,
      perPage: q.perPage,
      page: q.page,
      sortField: q.sortField,
      sortDirection: q.sortDirection,
      ...(q.filter !== undefined ? { filterField: q.filterField ?? 'name', filter: q.filter } : {}),
      applicationId: String(orgId),
    };
  }

  async get(orgId: number, id: string): Promise<InboundWebhook> {
    const w = await this.repository.findById(orgId, id);
    if (!w) throw ApiError.notFound('Webhook');
    return w;
  }

  async create(orgId: number, dto: CreateInboundWebhookDto): Promise<InboundWebhookView> {
    const now = new Date().toISOString();
    const w: InboundWebhook = {
      id: randomBytes(12).toString('hex'),
      orgId,
      name: dto.name,
      description: dto.description ?? '',
      token: randomBytes(24).toString('base64url'),
      responseCode: dto.responseCode ?? 200,
      verificationType: 'none',
      verificationCode: dto.verificationCode ?? '',
      basicAuthUsername: null,
      basicAuthPassword: null,
      waitForReply: dto.waitForReply ?? false,
      enabled: dto.enabled ?? true,
      target: this.checkTarget(orgId, dto.target ?? null),
      creationDate: now,
      lastUpdated: now,
    };
    this.applyBasicAuth(w, dto);
    await this.repository.create(w);
    resourceLog.created('inbound webhook', orgId, w.id, w.name);
    return this.view(w);
  }

  async update(orgId: number, id: string, dto: UpdateInboundWebhookDto): Promise<InboundWebhookView> {
    const w = await this.get(orgId, id);
    const { basicAuthUsername: _u, basicAuthPassword: _p, target, ...plain } = dto;
    Object.assign(w, Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined)));
    if (target !== undefined) w.target = this.checkTarget(orgId, target);
    this.applyBasicAuth(w, dto);
    w.lastUpdated = new Date().toISOString();
    await this.repository.update(w);
    return this.view(w);
  }

  /** Losant's `includeWorkflows=true` also deletes the outbound webhooks this one triggers. */
  async remove(orgId: number, id: string, includeWorkflows = false): Promise<void> {
    if (!(await this.repository.delete(orgId, id))) throw ApiError.notFound('Webhook');
    resourceLog.deleted('inbound webhook', orgId, id);
    if (!includeWorkflows) return;
    for (const w of this.outbound.list(orgId).items)
      if (w.trigger === 'INBOUND_WEBHOOK_RECEIVED' && w.dataTrigger?.inboundWebhookId === id)
        await this.outbound.remove(orgId, w.id);
  }

  /** The clear basic-auth password, for checking a call. */
  password(w: InboundWebhook): string | null {
    return w.basicAuthPassword && this.box.open(w.basicAuthPassword);
  }

  /**
   * What the API shows. The token is the webhook's URL (/webhooks/{token}), and whoever holds it publishes to
   * the target devices: it is shown only to a token that may manage inbound webhooks (`mayEditWebhooks`), masked
   * for read-only ones.
   */
  view(w: InboundWebhook, showToken = true): InboundWebhookView {
    const { orgId, basicAuthPassword, token, ...rest } = w;
    return {
      ...rest,
      token: showToken ? token : MASK,
      applicationId: String(orgId),
      ...(basicAuthPassword ? { basicAuthPassword: MASK } : {}),
    };
  }

  /** One kind of target; a device must be one of this org's (another org's is refused like a missing one). */
  private checkTarget(orgId: number, t: InboundTarget | null): InboundTarget | null {
    if (t === null) return null;
    const kinds = (['deviceId', 'templateId', 'groupId', 'topic'] as const).filter((k) => t[k] !== undefined);
    if (kinds.length !== 1)
      throw ApiError.badRequest('target must name exactly one of deviceId, templateId, groupId, topic');
    if (t.topic !== undefined && t.path !== undefined)
      throw ApiError.badRequest('target.path applies to device targets only');
    if (t.deviceId !== undefined && this.registry.device(t.deviceId)?.orgId !== orgId) {
      throw ApiError.badRequest(`target.deviceId: device ${t.deviceId} is not a device of this organization`);
    }
    return { ...t };
  }

  /** Either field null clears basic auth (both fields); a masked password sent back keeps the stored one. */
  private applyBasicAuth(w: InboundWebhook, dto: UpdateInboundWebhookDto): void {
    if (dto.basicAuthUsername === null || dto.basicAuthPassword === null) {
      w.basicAuthUsername = null;
      w.basicAuthPassword = null;
      return;
    }
    if (dto.basicAuthUsername !== undefined) w.basicAuthUsername = dto.basicAuthUsername;
    if (dto.basicAuthPassword !== undefined && dto.basicAuthPassword !== MASK)
      w.basicAuthPassword = this.box.seal(dto.basicAuthPassword);
    if (Boolean(w.basicAuthUsername) !== Boolean(w.basicAuthPassword))
      throw ApiError.badRequest('basicAuthUsername and basicAuthPassword must be set together');
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ApiError, checkAll } from '../common/api-error.js';
import { SecretBox } from '../common/secret-box.js';
import { GatewayConfig } from '../config/gateway-config.js';
import { DuplicateKeyError } from '../common/duplicate-key.error.js';
import { USER_REPOSITORY, type UserRepository } from '../tenancy/user.repository.js';
import type { CreateWebhookDto, UpdateWebhookDto } from './webhook.dto.js';
import { DEFAULT_SIGNATURE, type SignatureOption, type Webhook } from './webhook.model.js';
import { requestStatus, WebhookCatalog } from './webhook-catalog.js';
import { WEBHOOK_REPOSITORY, type WebhookRepository } from './webhook.repository.js';
import {
  checkAuth,
  checkBodyForMethod,
  checkDataTrigger,
  checkSignature,
  checkStrings,
  checkUrl,
} from './webhook-rules.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { checkDeviceReferences } from './webhook-references.js';
import { maskCredentialFields, sealCredentialFields } from './credential-fields.js';
import { keepReaderEcho, viewForReader } from './read-only-view.js';
import { checkTarget } from './webhook-targets.js';
import { TargetGuard } from '../common/target-guard.js';
import { resourceLog } from '../observability/resource-log.js';

export const MASK = '********';
const PREVIOUS_SECRET_GRACE_MS = 24 * 3600 * 1000;
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** The option as stored: the fields given (no undefined ones), HMAC_SHA256 hex unless told otherwise. */
function signatureOf(given: SignatureOption): SignatureOption {
  const s = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as SignatureOption;
  return s.type === 'HMAC_SHA256' ? { encoding: 'hex', ...s } : s;
}

export type WebhookView = Omit<Webhook, 'secret' | 'previousSecret' | 'orgId' | 'httpSecret'> & {
  secret?: string;
  httpSecret?: string;
};

/** The webhook resource: validation, secrets sealed at rest and shown once, Blynk's status rules. */
@Injectable()
export class WebhooksService {
  private readonly allowHttp: boolean;

  constructor(
    @Inject(WEBHOOK_REPOSITORY) private readonly webhooks: WebhookRepository,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    private readonly catalog: WebhookCatalog,
    private readonly box: SecretBox,
    config: GatewayConfig,
    private readonly registry: DeviceRegistry,
    private readonly targets: TargetGuard,
  ) {
    this.allowHttp = config.WEBHOOK_ALLOW_HTTP;
  }

  /** Blynk's list is an array; `page` (0-based) and `size` page it, the total goes in X-Total-Count. */
  list(
    orgId: number,
    page = 0,
    size = Number.MAX_SAFE_INTEGER,
    forEditor = true,
  ): { items: WebhookView[]; total: number } {
    const all = this.catalog.list(orgId);
    const items = all.slice(page * size, (page + 1) * size).map((w) => this.view(w, forEditor));
    return { items, total: all.length };
  }

  /** The live webhook (read-only to callers: changes go through update). */
  get(orgId: number, id: number): Webhook {
    const w = this.catalog.get(orgId, id);
    if (!w) throw ApiError.notFound('Webhook');
    return w;
  }

  /** 201 with the signing secret in clear, the only time it is shown. */
  async create(
    orgId: number,
    dto: CreateWebhookDto,
    extra: Partial<Pick<Webhook, 'httpSecret' | 'origin'>> = {},
  ): Promise<WebhookView> {
    const now = Date.now();
    const secret = newSecret();
    const w: Omit<Webhook, 'id'> = {
      orgId,
      name: dto.name,
      description: dto.description ?? '',
      trigger: dto.trigger,
      dataTrigger: dto.dataTrigger ?? null,
      url: dto.url,
      method: dto.method ?? 'POST',
      contentType: dto.contentType ?? 'JSON',
      authType: dto.authType ?? 'NONE',
      body: dto.body ?? '',
      formBody: dto.formBody ?? {},
      headers: dto.headers ?? {},
      basicAuth: null,
      bearerToken: null,
      oAuth2Request: null,
      httpSecret: null,
      failureReceivers: dto.failureReceivers ?? [],
      failureLimit: dto.failureLimit ?? 10,
      // DISABLED_DUE_TO_ERRORS is the system's to set.
      status: dto.status === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      attemptCount: 0,
      failureCount: 0,
      secret: this.box.seal(secret),
      signature: signatureOf(dto.signature ?? DEFAULT_SIGNATURE),
      previousSecret: null,
      previousSecretExpiresAt: null,
      createdAt: now,
      lastModifiedTs: now,
      lastTriggeredTs: null,
    };
    if (dto.rateLimitPerMinute) w.rateLimitPerMinute = dto.rateLimitPerMinute;
    this.applyCredentials(w, dto);
    if (extra.httpSecret) w.httpSecret = this.box.seal(extra.httpSecret);
    if (extra.origin) w.origin = extra.origin;
    await this.validate(w);
    sealCredentialFields(w, this.box, null);
    const saved = await this.unique(w.name, () => this.webhooks.create(w));
    this.catalog.put(saved, { status: false, failureCount: false });
    resourceLog.created('webhook', saved.orgId, saved.id, saved.name);
    return { ...this.view(saved), secret };
  }

  /**
   * PUT (`full`, Blynk's update) needs name, trigger and url; with PATCH, it changes only the fields given:
   * a field the update body does not list (failureReceivers, body, ... in Blynk's own example) stays as it is.
   */
  async update(
    orgId: number,
    id: number,
    dto: UpdateWebhookDto,
    full: boolean,
    extra: { httpSecret?: string | null } = {},
  ): Promise<WebhookView> {
    const stored = this.get(orgId, id);
    const w = structuredClone(stored);
    const before = w.dataTrigger && structuredClone(w.dataTrigger);
    // Credential-named header and query values are worked on masked: the mask sent back keeps the stored value.
    ({ headers: w.headers, url: w.url } = maskCredentialFields(w));
    keepReaderEcho(dto, w); // and so does the URL or a header as a read-only token saw it
    if (full) {
      for (const field of ['name', 'trigger', 'url'] as const)
        if (dto[field] === undefined) throw ApiError.badRequest(`${field} is required in a full update (PUT)`);
    }
    const { status, basicAuth: _b, bearerToken: _t, oAuth2Request: _o, signature, ...plain } = dto;
    Object.assign(w, Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined)));
    if (signature) w.signature = signatureOf(signature);
    this.applyCredentials(w, dto);
    if (extra.httpSecret !== undefined) w.httpSecret = extra.httpSecret && this.box.seal(extra.httpSecret);
    requestStatus(w, status);
    await this.validate(w, before);
    sealCredentialFields(w, this.box, stored);
    w.lastModifiedTs = Date.now();
    const keep = {
      status: status === undefined || status === 'DISABLED_DUE_TO_ERRORS',
      failureCount: status !== 'ENABLED',
    };
    await this.unique(w.name, () =>
      this.webhooks.update(w, { status: !keep.status, failureCount: !keep.failureCount }),
    );
    this.catalog.put(w, keep);
    return this.view(w);
  }

  async remove(orgId: number, id: number): Promise<void> {
    const w = this.get(orgId, id);
    if (!(await this.webhooks.delete(orgId, id))) throw ApiError.notFound('Webhook');
    this.catalog.remove(w); // the trigger engine, listening, drops the webhook's condition states
    resourceLog.deleted('webhook', orgId, id, w.name);
  }

  /** New signing secret; the previous one stays valid (both signatures are sent) for 24 h. */
  async rotateSecret(
    orgId: number,
    id: number,
  ): Promise<{ id: number; secret: string; previousSecretExpiresAt: number }> {
    const w = structuredClone(this.get(orgId, id));
    const secret = newSecret();
    w.previousSecret = w.secret;
    w.previousSecretExpiresAt = Date.now() + PREVIOUS_SECRET_GRACE_MS;
    w.secret = this.box.seal(secret);
    w.lastModifiedTs = Date.now();
    await this.webhooks.update(w, { status: false, failureCount: false });
    this.catalog.put(w, { status: true, failureCount: true });
    return { id, secret, previousSecretExpiresAt: w.previousSecretExpiresAt };
  }

  /** The URL rules alone (Bold checks them before the devices, as its insecure example shows). */
  checkUrl(url: string): void {
    checkUrl(url, this.allowHttp);
  }

  /**
   * What the API shows: no signing secrets, credentials masked; to a token that may not edit webhooks
   * (`forEditor` false), the URL and header values too (read-only-view.ts).
   */
  view(w: Webhook, forEditor = true): WebhookView {
    const { secret: _s, previousSecret: _p, orgId: _o, httpSecret, ...rest } = w;
    const masked = maskCredentialFields(rest);
    return {
      ...(forEditor ? masked : viewForReader(masked)),
      signature: w.signature ?? DEFAULT_SIGNATURE,
      basicAuth: w.basicAuth && { username: w.basicAuth.username, password: MASK },
      bearerToken: w.bearerToken && MASK,
      oAuth2Request: w.oAuth2Request && { ...w.oAuth2Request, clientSecret: MASK },
      ...(httpSecret ? { httpSecret: MASK } : {}),
    };
  }

  /** Seals given credentials; a masked value sent back unchanged keeps the stored one. */
  private applyCredentials(w: Omit<Webhook, 'id'>, dto: UpdateWebhookDto): void {
    if (dto.basicAuth) {
      const keep = dto.basicAuth.password === MASK && w.basicAuth;
      w.basicAuth = {
        username: dto.basicAuth.username,
        password: keep ? w.basicAuth!.password : this.box.seal(dto.basicAuth.password),
      };
    }
    if (dto.bearerToken)
      w.bearerToken = dto.bearerToken === MASK && w.bearerToken ? w.bearerToken : this.box.seal(dto.bearerToken);
    if (dto.oAuth2Request) {
      const keep = dto.oAuth2Request.clientSecret === MASK && w.oAuth2Request;
      w.oAuth2Request = {
        ...dto.oAuth2Request,
        clientSecret: keep ? w.oAuth2Request!.clientSecret : this.box.seal(dto.oAuth2Request.clientSecret),
      };
    }
    if (w.authType !== 'BASIC') w.basicAuth = null;
    if (w.authType !== 'BEARER') w.bearerToken = null;
    if (w.authType !== 'OAUTH2') w.oAuth2Request = null;
  }

  private async validate(w: Omit<Webhook, 'id'>, before: Webhook['dataTrigger'] = null): Promise<void> {
    // Every rule that fails is named in one 400 (a form shows each at its field); the targets need valid URLs.
    await checkAll([
      () => checkUrl(w.url, this.allowHttp),
      () => checkStrings('headers', w.headers),
      () => checkStrings('formBody', w.formBody),
      () => checkDataTrigger(w),
      () => checkBodyForMethod(w),
      () => checkSignature(w),
      () => checkDeviceReferences(this.registry, w.orgId, w.dataTrigger, before),
      () => checkAuth(w, this.allowHttp),
      async () => {
        for (const userId of w.failureReceivers) {
          if (!(await this.users.findById(w.orgId, userId)))
            throw ApiError.badRequest(`failureReceivers: user ${userId} is not a user of this organization`);
        }
      },
    ]);
    await checkTarget(this.targets, 'url', w.url);
    if (w.oAuth2Request) await checkTarget(this.targets, 'oAuth2Request.tokenUrl', w.oAuth2Request.tokenUrl);
  }

  private async unique<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof DuplicateKeyError)
        throw ApiError.conflict(`a webhook named ${JSON.stringify(name)} already exists in this organization`);
      throw e;
    }
  }
}

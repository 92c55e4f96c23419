import { DuplicateKeyError } from '../common/duplicate-key.error.js';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { DeploymentMode } from '../config/deployment-mode.js';
import { GatewayConfig } from '../config/gateway-config.js';
import { hashToken, newToken } from '../common/secrets.js';
import { EventBus } from '../events/event-bus.js';
import { type Revocation, Revocations } from '../events/revocations.js';
import type { ApiToken } from './api-token.model.js';
import { API_TOKEN_REPOSITORY, type ApiTokenRepository } from './api-token.repository.js';
import type { Organization } from './organization.model.js';
import { OrganizationDirectory } from './organization-directory.js';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from './organization.repository.js';
import { scopeWithin } from './scopes.js';
import { resourceLog } from '../observability/resource-log.js';

export interface AuthContext {
  orgId: number;
  tokenId: number;
  name: string;
  scopes: string[];
}

export type TokenView = Omit<ApiToken, 'tokenHash'>;
/** The identity of what was opened with API token `id` (MQTT service sessions, event streams) in a Revocation. */
export const serviceCredential = (tokenId: number): string => `token:${tokenId}`;
/** API token `id` ended: the service sessions opened with it (see broker/handlers/connect.ts) end with it. */
const tokenRevocation = (id: number): Revocation => ({ kind: 'service', id: serviceCredential(id), ended: true });
const tokenView = ({ tokenHash: _h, ...t }: ApiToken): TokenView => t;

/** Organizations and API tokens: who a bearer token is, and the first organization of an empty store. */
@Injectable()
export class TenancyService implements OnModuleInit {
  private readonly logger = new Logger('tenancy');
  private generated: string | null = null;

  constructor(
    @Inject(ORGANIZATION_REPOSITORY) private readonly organizations: OrganizationRepository,
    @Inject(API_TOKEN_REPOSITORY) private readonly tokens: ApiTokenRepository,
    private readonly bus: EventBus,
    private readonly revocations: Revocations,
    private readonly config: GatewayConfig,
    private readonly directory: OrganizationDirectory,
    private readonly mode: DeploymentMode,
  ) {}

  /** The admin token generated at this start (printed once by main), or null. */
  get generatedAdminToken(): string | null {
    return this.generated;
  }

  /**
   * An empty store gets a default organization and an admin token: GATEWAY_ADMIN_TOKEN when given,
   * otherwise a generated one printed once. A non-empty store never gets
   * the environment token (again): a revoked admin token stays revoked across restarts.
   */
  async onModuleInit(): Promise<void> {
    const given = this.config.GATEWAY_ADMIN_TOKEN;
    if ((await this.organizations.count()) === 0) {
      const org = await this.organizations.create('Default organization');
      this.directory.add(org);
      const token = given ?? newToken('gw');
      await this.createAdminToken(org.id, token);
      if (!given) {
        // main prints it once, in a block of its own, after the listeners
        this.logger.debug(`generated the admin API token of organization ${org.id}`);
        this.generated = token;
      }
    } else if (given && !(await this.tokens.findByHash(hashToken(given)))) {
      // Created only on an empty store: once revoked (deleted), the environment's token stays revoked.
      this.logger.warn(
        `GATEWAY_ADMIN_TOKEN is not a token of this store (revoked, or never created here): it is ignored; ` +
          `the environment token is created only on an empty store — to start clean, stop and remove ` +
          `${this.mode.sharedDatabase ? 'the database' : `DATA_DIR (${this.config.DATA_DIR})`}, or use a token this store printed`,
      );
    }
  }

  /** Another instance starting at the same moment may have stored the same token first: that is success. */
  private async createAdminToken(orgId: number, token: string): Promise<void> {
    try {
      await this.tokens.create({ orgId, name: 'admin', scopes: ['all.Organization'], tokenHash: hashToken(token) });
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
  }

  async authenticate(bearer: string): Promise<AuthContext | null> {
    const token = await this.tokens.findByHash(hashToken(bearer));
    return token ? { orgId: token.orgId, tokenId: token.id, name: token.name, scopes: token.scopes } : null;
  }

  findOrganization(id: number): Promise<Organization | null> {
    return this.directory.find(id);
  }

  async createOrganization(name: string, parentId: number | null = null): Promise<Organization> {
    const org = await this.organizations.create(name, parentId);
    this.directory.add(org);
    return org;
  }

  /** A sub-organization, with an admin token for it shown once; announced to the creating org's webhooks. */
  async createSubOrganization(parentOrgId: number, name: string): Promise<Organization & { adminToken: string }> {
    const org = await this.createOrganization(name, parentOrgId);
    const { token } = await this.createToken(org.id, 'admin', ['all.Organization']);
    this.bus.orgEvent(parentOrgId, 'organization.added', org);
    return { ...org, adminToken: token };
  }

  /** Deletes (revokes) a token of the org and ends every session opened with it; false if there is none. */
  async revokeToken(orgId: number, id: number): Promise<boolean> {
    if (!(await this.tokens.delete(orgId, id))) return false;
    resourceLog.deleted('API token', orgId, id);
    await this.revocations.revoke(tokenRevocation(id));
    return true;
  }

  /**
   * A token another instance revoked (cluster/, from the change log): the sessions this instance holds of it
   * end too. REST needs nothing: tokens are read from the database on every request, never cached.
   */
  revokedElsewhere(id: number): Promise<void> {
    return this.revocations.revoke(tokenRevocation(id));
  }

  /** A token made by the caller's token: never with a scope beyond the caller's own (403 naming them). */
  issueToken(caller: AuthContext, name: string, scopes: string[]): Promise<TokenView & { token: string }> {
    const beyond = scopes.filter((s) => !scopeWithin(caller.scopes, s));
    if (beyond.length > 0)
      throw new ApiError(
        403,
        'Forbidden',
        `scopes: ${beyond.join(', ')} exceed the scopes of the token making the request`,
      );
    return this.createToken(caller.orgId, name, scopes);
  }

  /** Creates an API token; the clear text is returned here and never again. */
  async createToken(orgId: number, name: string, scopes: string[]): Promise<TokenView & { token: string }> {
    const token = newToken('gw');
    const record = await this.tokens.create({ orgId, name, scopes, tokenHash: hashToken(token) });
    resourceLog.created('API token', orgId, record.id, name);
    return { ...tokenView(record), token };
  }

  async listTokens(orgId: number): Promise<TokenView[]> {
    return (await this.tokens.list(orgId)).map(tokenView);
  }
}

import { DuplicateKeyError } from '../common/duplicate-key.error.js';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config.js';
import { hashToken, newToken } from '../common/secrets.js';
import { EventBus } from '../events/event-bus.js';
import type { ApiToken } from './api-token.model.js';
import { API_TOKEN_REPOSITORY, type ApiTokenRepository } from './api-token.repository.js';
import type { Organization } from './organization.model.js';
import { ORGANIZATION_REPOSITORY, type OrganizationRepository } from './organization.repository.js';

export interface AuthContext {
  orgId: number;
  tokenId: number;
  scopes: string[];
}

export type TokenView = Omit<ApiToken, 'tokenHash'>;
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
    private readonly config: GatewayConfig,
  ) {}

  /** The admin token generated at this start (printed once by main), or null. */
  get generatedAdminToken(): string | null {
    return this.generated;
  }

  /**
   * An empty store gets a default organization and an admin token: GATEWAY_ADMIN_TOKEN when given,
   * otherwise a generated one printed once.
   */
  async onModuleInit(): Promise<void> {
    const given = this.config.GATEWAY_ADMIN_TOKEN;
    if ((await this.organizations.count()) === 0) {
      const org = await this.organizations.create('Default organization');
      const token = given ?? newToken('gw');
      await this.createAdminToken(org.id, token);
      if (!given) {
        this.logger.warn(`Admin API token of organization ${org.id} (shown once, store it now): ${token}`);
        this.generated = token;
      }
    } else if (given && !(await this.tokens.findByHash(hashToken(given)))) {
      await this.createAdminToken(1, given);
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
    return token ? { orgId: token.orgId, tokenId: token.id, scopes: token.scopes } : null;
  }

  findOrganization(id: number): Promise<Organization | null> {
    return this.organizations.findById(id);
  }

  createOrganization(name: string): Promise<Organization> {
    return this.organizations.create(name);
  }

  /** A sub-organization, with an admin token for it shown once; announced to the creating org's webhooks. */
  async createSubOrganization(parentOrgId: number, name: string): Promise<Organization & { adminToken: string }> {
    const org = await this.createOrganization(name);
    const { token } = await this.createToken(org.id, 'admin', ['all.Organization']);
    this.bus.orgEvent(parentOrgId, 'organization.added', org);
    return { ...org, adminToken: token };
  }

  /** Creates an API token; the clear text is returned here and never again. */
  async createToken(orgId: number, name: string, scopes: string[]): Promise<TokenView & { token: string }> {
    const token = newToken('gw');
    const record = await this.tokens.create({ orgId, name, scopes, tokenHash: hashToken(token) });
    return { ...tokenView(record), token };
  }

  async listTokens(orgId: number): Promise<TokenView[]> {
    return (await this.tokens.list(orgId)).map(tokenView);
  }

  deleteToken(orgId: number, id: number): Promise<boolean> {
    return this.tokens.delete(orgId, id);
  }
}

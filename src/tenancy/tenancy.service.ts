import { Inject, Injectable, Logger } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config.js';
import { hashToken, newToken } from '../common/secrets.js';
import { type ApiToken, type Organization, STORAGE, type StorageDriver } from '../storage/ports.js';

export interface AuthContext {
  orgId: number;
  tokenId: number;
  scopes: string[];
}

@Injectable()
export class TenancyService {
  private readonly logger = new Logger('tenancy');

  constructor(
    @Inject(STORAGE) private readonly storage: StorageDriver,
    private readonly config: GatewayConfig,
  ) {}

  /**
   * An empty store gets a default organization and an admin token: GATEWAY_ADMIN_TOKEN when given,
   * otherwise a generated one printed once. Returns the printed token, if any. A non-empty store never gets
   * the environment token (again): a revoked admin token stays revoked across restarts.
   */
  async bootstrap(): Promise<string | null> {
    const given = this.config.GATEWAY_ADMIN_TOKEN;
    if ((await this.storage.organizations.count()) === 0) {
      const org = await this.storage.organizations.create('Default organization');
      const token = given ?? newToken('gw');
      await this.storage.tokens.create({
        orgId: org.id,
        name: 'admin',
        scopes: ['all.Organization'],
        tokenHash: hashToken(token),
      });
      if (!given) {
        // The token itself goes to stdout once (main.ts), never into the structured log.
        this.logger.warn(`generated an admin API token for organization ${org.id}; it is printed once on stdout`);
        return token;
      }
    } else if (given && !(await this.storage.tokens.findByHash(hashToken(given)))) {
      // Created only on an empty store: once revoked (deleted), the environment's token stays revoked.
      this.logger.warn(
        'GATEWAY_ADMIN_TOKEN is not a token of this store (revoked, or never created here): it is ignored; ' +
          'the environment token is created only on an empty store',
      );
    }
    return null;
  }

  async authenticate(bearer: string): Promise<AuthContext | null> {
    const token = await this.storage.tokens.findByHash(hashToken(bearer));
    return token ? { orgId: token.orgId, tokenId: token.id, scopes: token.scopes } : null;
  }

  findOrganization(id: number): Promise<Organization | null> {
    return this.storage.organizations.findById(id);
  }

  createOrganization(name: string): Promise<Organization> {
    return this.storage.organizations.create(name);
  }

  private readonly revokedListeners: ((tokenId: number) => void | Promise<void>)[] = [];

  /** Called with a token's id once it is deleted (the broker closes its MQTT sessions). */
  onTokenRevoked(listener: (tokenId: number) => void | Promise<void>): void {
    this.revokedListeners.push(listener);
  }

  /** Deletes (revokes) a token of the org and ends every session opened with it; false if there is none. */
  async revokeToken(orgId: number, id: number): Promise<boolean> {
    if (!(await this.storage.tokens.delete(orgId, id))) return false;
    for (const listener of this.revokedListeners) await listener(id);
    return true;
  }

  /** Creates an API token; the clear text is returned here and never again. */
  async createToken(orgId: number, name: string, scopes: string[]): Promise<{ record: ApiToken; token: string }> {
    const token = newToken('gw');
    const record = await this.storage.tokens.create({ orgId, name, scopes, tokenHash: hashToken(token) });
    return { record, token };
  }
}

import type { ApiToken } from '../../tenancy/api-token.model.js';
import type { ApiTokenRepository } from '../../tenancy/api-token.repository.js';
import type { MongoChangeLog } from './change-log.js';
import type { Ids } from './ids.js';
import { type AnyModel, strip, unique } from './model.js';

export class MongoApiTokenRepository implements ApiTokenRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly ids: Ids,
    private readonly changes: MongoChangeLog,
  ) {}

  async create(t: Omit<ApiToken, 'id' | 'createdAt'>): Promise<ApiToken> {
    const o = { _id: await this.ids.next('api_tokens'), ...t, createdAt: Date.now() };
    await unique('tokenHash', () => this.m.create(o));
    return strip<ApiToken>(o)!;
  }

  async findByHash(tokenHash: string) {
    return strip<ApiToken>(await this.m.findOne({ tokenHash }).lean());
  }

  async list(orgId: number) {
    return (await this.m.find({ orgId }).sort({ _id: 1 }).lean()).map((o) => strip<ApiToken>(o)!);
  }

  /** A revocation: the other instances are told, so they end the sessions opened with it too. */
  async delete(orgId: number, id: number) {
    const deleted = (await this.m.deleteOne({ _id: id, orgId })).deletedCount > 0;
    if (deleted) await this.changes.append('token', orgId, id);
    return deleted;
  }
}

import type Database from 'better-sqlite3';
import type { ApiToken } from '../../tenancy/api-token.model.js';
import type { ApiTokenRepository } from '../../tenancy/api-token.repository.js';
import { type Row, unique } from './unique.js';

const toToken = (r: Row): ApiToken => ({
  id: r.id as number,
  orgId: r.org_id as number,
  name: r.name as string,
  scopes: JSON.parse(r.scopes as string) as string[],
  tokenHash: r.token_hash as string,
  createdAt: r.created_at as number,
});

export class SqliteApiTokenRepository implements ApiTokenRepository {
  constructor(private readonly db: Database.Database) {}

  async create(t: Omit<ApiToken, 'id' | 'createdAt'>): Promise<ApiToken> {
    const createdAt = Date.now();
    const r = unique('tokenHash', () =>
      this.db
        .prepare('INSERT INTO api_tokens (org_id, name, scopes, token_hash, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(t.orgId, t.name, JSON.stringify(t.scopes), t.tokenHash, createdAt),
    );
    return { ...t, id: Number(r.lastInsertRowid), createdAt };
  }

  async findByHash(hash: string): Promise<ApiToken | null> {
    const r = this.db.prepare('SELECT * FROM api_tokens WHERE token_hash = ?').get(hash) as Row | undefined;
    return r ? toToken(r) : null;
  }

  async list(orgId: number): Promise<ApiToken[]> {
    return (this.db.prepare('SELECT * FROM api_tokens WHERE org_id = ? ORDER BY id').all(orgId) as Row[]).map(toToken);
  }

  async delete(orgId: number, id: number): Promise<boolean> {
    return this.db.prepare('DELETE FROM api_tokens WHERE org_id = ? AND id = ?').run(orgId, id).changes > 0;
  }
}

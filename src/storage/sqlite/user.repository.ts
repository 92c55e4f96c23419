import type Database from 'better-sqlite3';
import type { User } from '../../tenancy/user.model.js';
import type { UserRepository } from '../../tenancy/user.repository.js';
import { type Row, unique } from './unique.js';

const toUser = (r: Row): User => ({
  id: r.id as number,
  orgId: r.org_id as number,
  email: r.email as string,
  name: r.name as string,
  createdAt: r.created_at as number,
});

export class SqliteUserRepository implements UserRepository {
  constructor(private readonly db: Database.Database) {}

  async create(u: Omit<User, 'id' | 'createdAt'>): Promise<User> {
    const createdAt = Date.now();
    const r = unique('email', () =>
      this.db
        .prepare('INSERT INTO users (org_id, email, name, created_at) VALUES (?, ?, ?, ?)')
        .run(u.orgId, u.email, u.name, createdAt),
    );
    return { ...u, id: Number(r.lastInsertRowid), createdAt };
  }

  async list(orgId: number): Promise<User[]> {
    return (this.db.prepare('SELECT * FROM users WHERE org_id = ? ORDER BY id').all(orgId) as Row[]).map(toUser);
  }

  async findById(orgId: number, id: number): Promise<User | null> {
    const r = this.db.prepare('SELECT * FROM users WHERE org_id = ? AND id = ?').get(orgId, id) as Row | undefined;
    return r ? toUser(r) : null;
  }

  async update(orgId: number, id: number, patch: Partial<Pick<User, 'email' | 'name'>>): Promise<User | null> {
    const current = await this.findById(orgId, id);
    if (!current) return null;
    const next = { ...current, ...patch };
    unique('email', () =>
      this.db
        .prepare('UPDATE users SET email = ?, name = ? WHERE org_id = ? AND id = ?')
        .run(next.email, next.name, orgId, id),
    );
    return next;
  }

  async delete(orgId: number, id: number): Promise<boolean> {
    return this.db.prepare('DELETE FROM users WHERE org_id = ? AND id = ?').run(orgId, id).changes > 0;
  }
}

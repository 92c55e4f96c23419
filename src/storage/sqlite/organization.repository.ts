import type Database from 'better-sqlite3';
import type { Organization } from '../../tenancy/organization.model.js';
import type { OrganizationRepository } from '../../tenancy/organization.repository.js';
import type { Row } from './unique.js';

export class SqliteOrganizationRepository implements OrganizationRepository {
  constructor(private readonly db: Database.Database) {}

  async create(name: string): Promise<Organization> {
    const createdAt = Date.now();
    const r = this.db.prepare('INSERT INTO organizations (name, created_at) VALUES (?, ?)').run(name, createdAt);
    return { id: Number(r.lastInsertRowid), name, createdAt };
  }

  async findById(id: number): Promise<Organization | null> {
    const r = this.db.prepare('SELECT id, name, created_at FROM organizations WHERE id = ?').get(id) as Row | undefined;
    return r ? { id: r.id as number, name: r.name as string, createdAt: r.created_at as number } : null;
  }

  async count(): Promise<number> {
    return (this.db.prepare('SELECT count(*) n FROM organizations').get() as { n: number }).n;
  }
}

import type Database from 'better-sqlite3';
import type { Organization } from '../../tenancy/organization.model.js';
import type { OrganizationRepository } from '../../tenancy/organization.repository.js';
import type { Row } from './unique.js';

const COLUMNS = 'id, name, parent_id, created_at';
const toOrganization = (r: Row): Organization => ({
  id: r.id as number,
  name: r.name as string,
  parentId: (r.parent_id as number | null) ?? null,
  createdAt: r.created_at as number,
});

export class SqliteOrganizationRepository implements OrganizationRepository {
  constructor(private readonly db: Database.Database) {}

  async create(name: string, parentId: number | null = null): Promise<Organization> {
    const createdAt = Date.now();
    const r = this.db
      .prepare('INSERT INTO organizations (name, parent_id, created_at) VALUES (?, ?, ?)')
      .run(name, parentId, createdAt);
    return { id: Number(r.lastInsertRowid), name, parentId, createdAt };
  }

  async findById(id: number): Promise<Organization | null> {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM organizations WHERE id = ?`).get(id) as Row | undefined;
    return r ? toOrganization(r) : null;
  }

  async all(): Promise<Organization[]> {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM organizations ORDER BY id`).all() as Row[]).map(toOrganization);
  }

  async count(): Promise<number> {
    return (this.db.prepare('SELECT count(*) n FROM organizations').get() as { n: number }).n;
  }
}

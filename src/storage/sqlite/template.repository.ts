import type Database from 'better-sqlite3';
import type { Template } from '../../templates/template.model.js';
import type { TemplateRepository } from '../../templates/template.repository.js';
import { parseDocs, unique } from './unique.js';

export class SqliteTemplateRepository implements TemplateRepository {
  constructor(private readonly db: Database.Database) {}
  async create(t: Template): Promise<Template> {
    unique('id', () =>
      this.db.prepare('INSERT INTO templates (org_id, id, doc) VALUES (?, ?, ?)').run(t.orgId, t.id, JSON.stringify(t)),
    );
    return t;
  }
  async all(): Promise<Template[]> {
    return parseDocs(this.db.prepare('SELECT doc FROM templates ORDER BY org_id, id').all());
  }
  async update(t: Template): Promise<void> {
    this.db.prepare('UPDATE templates SET doc = ? WHERE org_id = ? AND id = ?').run(JSON.stringify(t), t.orgId, t.id);
  }
  async delete(orgId: number, id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM templates WHERE org_id = ? AND id = ?').run(orgId, id).changes > 0;
  }
}

import type Database from 'better-sqlite3';
import { parseDocs, unique } from './unique.js';

/** Devices and agents are stored as JSON documents keyed by id: the registry reads them all at start. */
export class SqliteDocumentTable<T extends { id: string; orgId: number }> {
  constructor(
    protected readonly db: Database.Database,
    private readonly table: 'devices' | 'agents',
  ) {}

  async create(doc: T): Promise<T> {
    unique('id', () =>
      this.db
        .prepare(`INSERT INTO ${this.table} (id, org_id, doc) VALUES (?, ?, ?)`)
        .run(doc.id, doc.orgId, JSON.stringify(doc)),
    );
    return doc;
  }

  async all(): Promise<T[]> {
    return parseDocs<T>(this.db.prepare(`SELECT doc FROM ${this.table}`).all());
  }

  async findById(id: string): Promise<T | null> {
    return parseDocs<T>(this.db.prepare(`SELECT doc FROM ${this.table} WHERE id = ?`).all(id))[0] ?? null;
  }

  async update(doc: T): Promise<void> {
    this.db.prepare(`UPDATE ${this.table} SET doc = ? WHERE id = ?`).run(JSON.stringify(doc), doc.id);
  }

  async delete(id: string): Promise<boolean> {
    return this.db.prepare(`DELETE FROM ${this.table} WHERE id = ?`).run(id).changes > 0;
  }
}

import type Database from 'better-sqlite3';
import type { Agent } from '../../devices/agent.model.js';
import type { AgentRepository } from '../../devices/agent.repository.js';
import { SqliteDocumentTable } from './document-table.js';

export class SqliteAgentRepository extends SqliteDocumentTable<Agent> implements AgentRepository {
  constructor(db: Database.Database) {
    super(db, 'agents');
  }
}

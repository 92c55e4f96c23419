import type { Agent } from './agent.model.js';

export const AGENT_REPOSITORY = Symbol('AgentRepository');

export interface AgentRepository {
  /** Fails with DuplicateKeyError('id') when the id is taken. */
  create(agent: Agent): Promise<Agent>;
  all(): Promise<Agent[]>;
  findById(id: string): Promise<Agent | null>;
  update(agent: Agent): Promise<void>;
  delete(id: string): Promise<boolean>;
}

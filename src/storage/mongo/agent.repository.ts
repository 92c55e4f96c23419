import type { Agent } from '../../devices/agent.model.js';
import type { AgentRepository } from '../../devices/agent.repository.js';
import { MongoDocumentCollection } from './document-collection.js';

export class MongoAgentRepository extends MongoDocumentCollection<Agent> implements AgentRepository {}

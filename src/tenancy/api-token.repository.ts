import type { ApiToken } from './api-token.model.js';

export const API_TOKEN_REPOSITORY = Symbol('ApiTokenRepository');

export interface ApiTokenRepository {
  create(token: Omit<ApiToken, 'id' | 'createdAt'>): Promise<ApiToken>;
  findByHash(tokenHash: string): Promise<ApiToken | null>;
  list(orgId: number): Promise<ApiToken[]>;
  delete(orgId: number, id: number): Promise<boolean>;
}

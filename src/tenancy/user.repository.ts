import type { User } from './user.model.js';

export const USER_REPOSITORY = Symbol('UserRepository');

export interface UserRepository {
  /** Fails with DuplicateKeyError('email') when the org has another user with that e-mail. */
  create(user: Omit<User, 'id' | 'createdAt'>): Promise<User>;
  list(orgId: number): Promise<User[]>;
  findById(orgId: number, id: number): Promise<User | null>;
  /** Fails with DuplicateKeyError('email') when the org has another user with that e-mail. */
  update(orgId: number, id: number, patch: Partial<Pick<User, 'email' | 'name'>>): Promise<User | null>;
  delete(orgId: number, id: number): Promise<boolean>;
}

import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { DuplicateKeyError } from '../common/duplicate-key.error.js';
import { EventBus } from '../events/event-bus.js';
import type { CreateUserDto, UpdateUserDto } from './tenancy.dto.js';
import type { User } from './user.model.js';
import { USER_REPOSITORY, type UserRepository } from './user.repository.js';

/** The users of an organization; each change raises NEW_USER / UPDATED_USER / DELETED_USER. */
@Injectable()
export class UsersService {
  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    private readonly bus: EventBus,
  ) {}

  list(orgId: number): Promise<User[]> {
    return this.users.list(orgId);
  }

  async get(orgId: number, id: number): Promise<User> {
    const user = await this.users.findById(orgId, id);
    if (!user) throw ApiError.notFound('User');
    return user;
  }

  async create(orgId: number, dto: CreateUserDto): Promise<User> {
    const user = await this.uniqueEmail(dto.email, () =>
      this.users.create({ orgId, email: dto.email, name: dto.name }),
    );
    this.bus.orgEvent(orgId, 'user.added', user);
    return user;
  }

  async update(orgId: number, id: number, dto: UpdateUserDto): Promise<User> {
    const patch = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
    const user = await this.uniqueEmail(dto.email, () => this.users.update(orgId, id, patch));
    if (!user) throw ApiError.notFound('User');
    this.bus.orgEvent(orgId, 'user.updated', user);
    return user;
  }

  async remove(orgId: number, id: number): Promise<void> {
    const user = await this.get(orgId, id);
    if (!(await this.users.delete(orgId, id))) throw ApiError.notFound('User');
    this.bus.orgEvent(orgId, 'user.deleted', user);
  }

  private async uniqueEmail<T>(email: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof DuplicateKeyError) throw ApiError.conflict(`a user with email ${email} already exists`);
      throw e;
    }
  }
}

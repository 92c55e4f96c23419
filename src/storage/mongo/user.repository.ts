import type { User } from '../../tenancy/user.model.js';
import type { UserRepository } from '../../tenancy/user.repository.js';
import type { Ids } from './ids.js';
import { type AnyModel, strip, unique } from './model.js';

export class MongoUserRepository implements UserRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly ids: Ids,
  ) {}

  async create(u: Omit<User, 'id' | 'createdAt'>): Promise<User> {
    const o = { _id: await this.ids.next('users'), ...u, createdAt: Date.now() };
    await unique('email', () => this.m.create(o));
    return strip<User>(o)!;
  }

  async list(orgId: number) {
    return (await this.m.find({ orgId }).sort({ _id: 1 }).lean()).map((o) => strip<User>(o)!);
  }

  async findById(orgId: number, id: number) {
    return strip<User>(await this.m.findOne({ _id: id, orgId }).lean());
  }

  async update(orgId: number, id: number, patch: Partial<Pick<User, 'email' | 'name'>>) {
    return strip<User>(
      await unique('email', () =>
        this.m.findOneAndUpdate({ _id: id, orgId }, { $set: patch }, { returnDocument: 'after' }).lean(),
      ),
    );
  }

  async delete(orgId: number, id: number) {
    return (await this.m.deleteOne({ _id: id, orgId })).deletedCount > 0;
  }
}

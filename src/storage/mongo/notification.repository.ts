import type { Notification } from '../../notifications/notification.model.js';
import type { NotificationRepository } from '../../notifications/notification.repository.js';
import type { Ids } from './ids.js';
import type { AnyModel } from './model.js';

export class MongoNotificationRepository implements NotificationRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly ids: Ids,
  ) {}
  async create(n: Omit<Notification, 'id'>): Promise<Notification> {
    const saved = { ...n, id: await this.ids.next('notifications') };
    await this.m.create({ _id: saved.id, orgId: n.orgId, userId: n.userId, createdAt: n.createdAt, doc: saved });
    return saved;
  }
  async listForUser(orgId: number, userId: number): Promise<Notification[]> {
    return (await this.m.find({ orgId, userId }).sort({ createdAt: -1, _id: -1 }).limit(200).lean()).map(
      (o) => o.doc as Notification,
    );
  }
}

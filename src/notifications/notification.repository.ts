import type { Notification } from './notification.model.js';

export const NOTIFICATION_REPOSITORY = Symbol('NotificationRepository');

export interface NotificationRepository {
  create(n: Omit<Notification, 'id'>): Promise<Notification>;
  listForUser(orgId: number, userId: number): Promise<Notification[]>;
}

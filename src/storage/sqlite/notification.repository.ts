import type Database from 'better-sqlite3';
import type { Notification } from '../../notifications/notification.model.js';
import type { NotificationRepository } from '../../notifications/notification.repository.js';
import { parseDocs } from './unique.js';

export class SqliteNotificationRepository implements NotificationRepository {
  constructor(private readonly db: Database.Database) {}
  async create(n: Omit<Notification, 'id'>): Promise<Notification> {
    return this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare("INSERT INTO notifications (org_id, user_id, created_at, doc) VALUES (?, ?, ?, '')")
          .run(n.orgId, n.userId, n.createdAt).lastInsertRowid,
      );
      const saved = { ...n, id };
      this.db.prepare('UPDATE notifications SET doc = ? WHERE id = ?').run(JSON.stringify(saved), id);
      return saved;
    })();
  }
  async listForUser(orgId: number, userId: number): Promise<Notification[]> {
    return parseDocs(
      this.db
        .prepare('SELECT doc FROM notifications WHERE org_id = ? AND user_id = ? ORDER BY id DESC LIMIT 200')
        .all(orgId, userId),
    );
  }
}

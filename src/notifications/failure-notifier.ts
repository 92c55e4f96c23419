import { Inject, Injectable, Logger } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { GatewayConfig } from '../config/gateway-config.js';
import { USER_REPOSITORY, type UserRepository } from '../tenancy/user.repository.js';
import type { Webhook } from '../webhooks/webhook.model.js';
import { NOTIFICATION_REPOSITORY, type NotificationRepository } from './notification.repository.js';

/**
 * Tells a webhook's failureReceivers that it was disabled (Blynk): a stored notification for each, readable
 * at /users/{id}/notifications, and an e-mail through nodemailer when SMTP_URL is set.
 */
@Injectable()
export class FailureNotifier {
  private readonly logger = new Logger(FailureNotifier.name);
  private readonly mail: Transporter | null;

  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(NOTIFICATION_REPOSITORY) private readonly notifications: NotificationRepository,
    private readonly config: GatewayConfig,
  ) {
    this.mail = config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : null;
  }

  async webhookDisabled(w: Webhook, reason: string): Promise<void> {
    const title = `Webhook "${w.name}" was disabled`;
    const message =
      `Webhook ${w.id} ("${w.name}", ${w.url.split('?')[0]}) was disabled: ${reason}. ` +
      'Its pending deliveries, and what matches while it is disabled, are kept (held); set its status to ENABLED ' +
      'to send them.';
    for (const userId of w.failureReceivers) {
      try {
        const user = await this.users.findById(w.orgId, userId);
        if (!user) continue;
        await this.notifications.create({
          orgId: w.orgId,
          userId,
          kind: 'webhook.disabled',
          title,
          message,
          webhookId: w.id,
          createdAt: Date.now(),
        });
        await this.mail?.sendMail({ from: this.config.SMTP_FROM, to: user.email, subject: title, text: message });
      } catch (err) {
        this.logger.error(`notifying user ${userId} about webhook ${w.id}: ${(err as Error).message}`);
      }
    }
  }
}

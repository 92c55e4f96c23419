import { Inject, Injectable, Logger } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { GatewayConfig } from '../config/gateway-config.js';
import { STORAGE, type StorageDriver } from '../storage/ports.js';
import type { Webhook } from '../webhooks/webhook.model.js';

/**
 * Tells a webhook's failureReceivers that it was disabled (Blynk): a stored notification for each, readable
 * at /users/{id}/notifications, and an e-mail through nodemailer when SMTP_URL is set.
 */
@Injectable()
export class FailureNotifier {
  private readonly logger = new Logger(FailureNotifier.name);
  private readonly mail: Transporter | null;

  constructor(
    @Inject(STORAGE) private readonly storage: StorageDriver,
    private readonly config: GatewayConfig,
  ) {
    this.mail = config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : null;
  }

  async webhookDisabled(w: Webhook, reason: string): Promise<void> {
    const title = `Webhook "${w.name}" was disabled`;
    const message =
      `Webhook ${w.id} ("${w.name}", ${w.url.split('?')[0]}) was disabled: ${reason}. ` +
      'Its pending deliveries are kept; set its status to ENABLED to resume them.';
    for (const userId of w.failureReceivers) {
      try {
        const user = await this.storage.users.findById(w.orgId, userId);
        if (!user) continue;
        await this.storage.notifications.create({
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

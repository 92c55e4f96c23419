import { Module } from '@nestjs/common';
import { TenancyModule } from '../tenancy/tenancy.module.js';
import { FailureNotifier } from './failure-notifier.js';
import { NotificationsController } from './notifications.controller.js';

/** Failure notifications of disabled webhooks: stored per user, e-mailed when SMTP_URL is set. */
@Module({
  imports: [TenancyModule],
  controllers: [NotificationsController],
  providers: [FailureNotifier],
  exports: [FailureNotifier],
})
export class NotificationsModule {}

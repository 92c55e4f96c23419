// What the inbound webhook APIs answer (the OpenAPI document's response schemas; the service's view() makes them).
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { InboundTargetDto } from './inbound-webhook.dto.js';

const WEBHOOK_ID = '575ed78e7ae143cd83dc4aab'; // Losant's examples (seed 003)
const DATE = '2024-02-06T18:40:00.000Z';

@ApiSchema({
  name: 'InboundWebhook',
  description: "An inbound webhook (Losant's shape): a URL that publishes to devices",
})
export class InboundWebhookView {
  @ApiProperty({ pattern: '^[A-Fa-f\\d]{24}$', example: WEBHOOK_ID, description: 'ID associated with the webhook' })
  id!: string;
  @ApiProperty({ example: '101', description: 'The organization (Losant: the application)' }) applicationId!: string;
  @ApiProperty({ example: 'My Webhook', description: 'Webhook name' }) name!: string;
  @ApiProperty({ example: '', description: 'Free text' }) description!: string;
  @ApiProperty({
    example: 'Hx9rM2kQ4aT7bW1cZ5dE8fG3',
    description: 'The URL token (/webhooks/{token}); masked (********) for a token that may not manage webhooks',
  })
  token!: string;
  @ApiProperty({ type: 'integer', example: 200, description: 'HTTP status answered to callers' })
  responseCode!: number;
  @ApiProperty({ enum: ['none'], example: 'none', description: 'Verification of callers (none: the only type)' })
  verificationType!: string;
  @ApiProperty({ example: '', description: "Losant's verification code (kept, not used: verificationType none)" })
  verificationCode!: string;
  @ApiProperty({ type: 'string', nullable: true, example: null, description: 'Basic authentication user of callers' })
  basicAuthUsername!: string | null;
  @ApiPropertyOptional({ example: '********', description: 'Present (masked) when basic authentication is set' })
  basicAuthPassword?: string;
  @ApiProperty({ example: false, description: "Answer with the device's reply instead of responseCode" })
  waitForReply!: boolean;
  @ApiProperty({ example: true, description: 'Disabled: calls are refused (403)' }) enabled!: boolean;
  @ApiProperty({
    type: InboundTargetDto,
    nullable: true,
    example: { deviceId: 'pump-1', path: 'webhook' },
    description: 'Where calls are published (null: they only raise inbound.received)',
  })
  target!: InboundTargetDto | null;
  @ApiProperty({ format: 'date-time', example: DATE, description: 'Creation time' }) creationDate!: string;
  @ApiProperty({ format: 'date-time', example: DATE, description: 'Last change' }) lastUpdated!: string;
}

@ApiSchema({ name: 'LosantWebhook', description: "An inbound webhook at Losant's paths: its id is also webhookId" })
export class LosantWebhookView extends InboundWebhookView {
  @ApiProperty({ example: WEBHOOK_ID, description: 'The same as id (Losant)' }) webhookId!: string;
}

class CollectionFields {
  @ApiProperty({ type: 'integer', example: 1, description: 'Items in this page' }) count!: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Webhooks of the organization in all (before the filter)' })
  totalCount!: number;
  @ApiProperty({ type: 'integer', example: 100, description: 'Page size' }) perPage!: number;
  @ApiProperty({ type: 'integer', example: 0, description: '0-based page' }) page!: number;
  @ApiProperty({ enum: ['name', 'id', 'creationDate', 'lastUpdated'], example: 'name', description: 'Sorted by' })
  sortField!: string;
  @ApiProperty({ enum: ['asc', 'desc'], example: 'asc', description: 'Sort direction' }) sortDirection!: string;
  @ApiPropertyOptional({ enum: ['name'], description: 'With a filter: the field it applies to' }) filterField?: string;
  @ApiPropertyOptional({ example: 'pump*', description: 'The filter given (a glob)' }) filter?: string;
  @ApiProperty({ example: '101', description: 'The organization (Losant: the application)' }) applicationId!: string;
}

@ApiSchema({ name: 'InboundWebhookList', description: "A page of inbound webhooks (Losant's collection)" })
export class InboundWebhookListView extends CollectionFields {
  @ApiProperty({ type: InboundWebhookView, isArray: true, description: 'The webhooks of this page' })
  items!: InboundWebhookView[];
}

@ApiSchema({ name: 'LosantWebhookList', description: "A page of webhooks at Losant's paths" })
export class LosantWebhookListView extends CollectionFields {
  @ApiProperty({ type: LosantWebhookView, isArray: true, description: 'The webhooks of this page' })
  items!: LosantWebhookView[];
}

@ApiSchema({ name: 'Success', description: "Losant's Success" })
export class SuccessView {
  @ApiProperty({ enum: [true], example: true, description: 'Always true' }) success!: boolean;
}

// What the webhook API answers (the OpenAPI document's response schemas; the service's view() makes them).
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { BasicAuthDto, OAuth2RequestDto } from './webhook-auth.dto.js';
import { SignatureDto } from './webhook-signature.dto.js';
import { DataTriggerDto } from './webhook-trigger.dto.js';
import { AUTH_TYPES, CONTENT_TYPES, METHODS, TRIGGERS, WEBHOOK_STATUSES } from './webhook.model.js';

const MS = 1707244800000; // Blynk's example timestamps
const masked = (what: string) => `${what}, masked: ******** (send it back unchanged to keep the stored one)`;

@ApiSchema({ name: 'Webhook', description: "A webhook (Blynk's shape, plus Kobiton's description and signing)" })
export class WebhookView {
  @ApiProperty({ type: 'integer', example: 1, description: 'Webhook ID' }) id!: number;
  @ApiProperty({ example: 'Device Status Notification', description: 'Webhook name' }) name!: string;
  @ApiProperty({ example: '', description: 'Free text (Kobiton)' }) description!: string;
  @ApiProperty({ enum: TRIGGERS, example: 'DEVICE_ADDED', description: 'Webhook trigger type' }) trigger!: string;
  @ApiProperty({
    type: DataTriggerDto,
    nullable: true,
    example: null,
    description: 'Data trigger configuration (for datastream, log event, status and inbound triggers)',
  })
  dataTrigger!: DataTriggerDto | null;
  @ApiProperty({
    example: 'https://example.com/webhook/{device_id}',
    description: 'Webhook URL. Supports placeholders such as {device_id}, {user_id}.',
  })
  url!: string;
  @ApiProperty({ enum: METHODS, example: 'POST', description: 'HTTP method for webhook' }) method!: string;
  @ApiProperty({ enum: CONTENT_TYPES, example: 'JSON', description: 'Content type of the webhook request' })
  contentType!: string;
  @ApiProperty({ enum: AUTH_TYPES, example: 'NONE', description: 'Authentication type' }) authType!: string;
  @ApiProperty({ example: '{"device_id": "{device_id}"}', description: 'Request body template' }) body!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: {},
    description: 'URL_ENCODED_FORM: the form fields (templates)',
  })
  formBody!: Record<string, string>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: {},
    description: 'Extra request headers',
  })
  headers!: Record<string, string>;
  @ApiProperty({ type: BasicAuthDto, nullable: true, example: null, description: masked('authType BASIC: password') })
  basicAuth!: BasicAuthDto | null;
  @ApiProperty({ type: 'string', nullable: true, example: null, description: masked('authType BEARER: the token') })
  bearerToken!: string | null;
  @ApiProperty({
    type: OAuth2RequestDto,
    nullable: true,
    example: null,
    description: masked('OAuth2 configuration (authType OAUTH2): clientSecret'),
  })
  oAuth2Request!: OAuth2RequestDto | null;
  @ApiPropertyOptional({ description: masked("Bold's secretHttp (X-Webhook-Secret header)") })
  httpSecret?: string;
  @ApiProperty({ type: 'integer', isArray: true, example: [7], description: 'User IDs to notify on webhook failure' })
  failureReceivers!: number[];
  @ApiProperty({
    type: 'integer',
    example: 10,
    description:
      'Consecutive failures that disable the webhook: the one that opened its circuit breaker, then each failed ' +
      'probe (one delivery at a time while the endpoint fails, on the retry schedule)',
  })
  failureLimit!: number;
  @ApiProperty({ type: 'integer', example: 0, description: 'Consecutive failures counted so far; a success resets it' })
  failureCount!: number;
  @ApiProperty({
    enum: WEBHOOK_STATUSES,
    example: 'ENABLED',
    description:
      'DISABLED (by its owner): records nothing. DISABLED_DUE_TO_ERRORS: what matches is held (up to ' +
      'WEBHOOK_HELD_MAX) and sent, oldest first, when set to ENABLED again',
  })
  status!: string;
  @ApiProperty({ type: 'integer', example: 42, description: 'Total number of execution attempts' })
  attemptCount!: number;
  @ApiProperty({ type: 'integer', format: 'int64', example: MS, description: 'Creation timestamp in milliseconds' })
  createdAt!: number;
  @ApiProperty({
    type: 'integer',
    format: 'int64',
    example: MS,
    description: 'Last modification timestamp in milliseconds',
  })
  lastModifiedTs!: number;
  @ApiProperty({
    type: 'integer',
    format: 'int64',
    nullable: true,
    example: MS,
    description: 'Last trigger timestamp in milliseconds (null: never)',
  })
  lastTriggeredTs!: number | null;
  @ApiProperty({
    type: 'integer',
    format: 'int64',
    nullable: true,
    example: null,
    description: 'After a secret rotation: until when (ms) callbacks are signed with the previous secret too',
  })
  previousSecretExpiresAt!: number | null;
  @ApiProperty({ type: SignatureDto, example: { type: 'STANDARD_WEBHOOKS' }, description: 'How callbacks are signed' })
  signature!: SignatureDto;
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    example: null,
    description: 'Callbacks per minute at most; over it a delivery waits. null or absent: no limit',
  })
  rateLimitPerMinute?: number | null;
  @ApiPropertyOptional({
    enum: ['bold'],
    description: "bold: created by Bold's POST /v2/webhooks (callbacks name the Bold topic, carry a plain HMAC)",
  })
  origin?: 'bold';
}

@ApiSchema({ name: 'CreatedWebhook', description: 'A new webhook, with its signing secret (shown this once)' })
export class CreatedWebhookView extends WebhookView {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'The whsec_… signing secret' })
  secret!: string;
}

@ApiSchema({ name: 'SecretRotated', description: 'The new signing secret (shown this once)' })
export class SecretRotatedView {
  @ApiProperty({ type: 'integer', example: 1, description: 'Webhook ID' }) id!: number;
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'The new whsec_… signing secret' })
  secret!: string;
  @ApiProperty({
    type: 'integer',
    format: 'int64',
    nullable: true,
    example: MS,
    description: 'Until then (ms) callbacks carry a signature with the previous secret too',
  })
  previousSecretExpiresAt!: number | null;
}

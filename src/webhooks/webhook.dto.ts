import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { PageQuery } from '../common/page.js';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { AUTH_TYPES, CONTENT_TYPES, METHODS, TRIGGERS, WEBHOOK_STATUSES } from './webhook.model.js';
import { BasicAuthDto, OAuth2RequestDto } from './webhook-auth.dto.js';
import { oneOf } from './webhook-dto-rules.js';
import { SignatureDto } from './webhook-signature.dto.js';
import { DataTriggerDto } from './webhook-trigger.dto.js';

// The webhook's create and update bodies (Blynk's fields and ours) and Blynk's list query; the nested objects
// are in webhook-trigger.dto.ts, webhook-auth.dto.ts and webhook-signature.dto.ts.

const trimmed = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

export class CreateWebhookDto {
  @ApiProperty({
    example: 'Device Status Notification',
    description: 'Webhook name: trimmed, 1 to 50 characters, unique in the organization (Kobiton)',
  })
  @trimmed
  @IsString({ message: 'name must be a string' })
  @Length(1, 50, { message: 'name must be 1 to 50 characters, spaces around it not counted' })
  name!: string;
  @ApiPropertyOptional({
    example: 'Tells the ops channel when a pump goes offline',
    description: 'Free text, at most 512 characters',
  })
  @IsOptional()
  @IsString()
  @MaxLength(512, { message: 'description must be at most 512 characters' })
  description?: string;
  @ApiProperty({ enum: TRIGGERS, example: 'DEVICE_ADDED', description: 'Webhook trigger type' })
  @oneOf('trigger', TRIGGERS)
  trigger!: (typeof TRIGGERS)[number];
  @ApiPropertyOptional({
    type: DataTriggerDto,
    description: 'Data trigger configuration (required for datastream and log event triggers)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => DataTriggerDto)
  dataTrigger?: DataTriggerDto;
  @ApiProperty({
    example: 'https://example.com/webhook/{device_id}',
    description: 'Webhook URL. Supports placeholders such as {device_id}, {user_id}.',
  })
  @IsString()
  @MaxLength(512, { message: 'url must be at most 512 characters' })
  url!: string;
  @ApiPropertyOptional({ enum: METHODS, default: 'POST', description: 'HTTP method for webhook' })
  @IsOptional()
  @oneOf('method', METHODS)
  method?: (typeof METHODS)[number];
  @ApiPropertyOptional({ enum: CONTENT_TYPES, default: 'JSON', description: 'Content type of the webhook request' })
  @IsOptional()
  @oneOf('contentType', CONTENT_TYPES)
  contentType?: (typeof CONTENT_TYPES)[number];
  @ApiPropertyOptional({ enum: AUTH_TYPES, default: 'NONE', description: 'Authentication type' })
  @IsOptional()
  @oneOf('authType', AUTH_TYPES)
  authType?: (typeof AUTH_TYPES)[number];
  @ApiPropertyOptional({
    example: '{"device_id": "{device_id}"}',
    description: 'Request body template (placeholders such as {device_id}, {value})',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024, { message: 'body must be at most 1024 characters' })
  body?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { device: '{device_id}' },
    description: 'URL_ENCODED_FORM: the form fields (templates)',
  })
  @IsOptional()
  @IsObject()
  formBody?: Record<string, string>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'X-Source': 'gateway' },
    description: 'Extra request headers',
  })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;
  @ApiPropertyOptional({ type: BasicAuthDto, description: 'authType BASIC: the credentials' })
  @IsOptional()
  @ValidateNested()
  @Type(() => BasicAuthDto)
  basicAuth?: BasicAuthDto;
  @ApiPropertyOptional({ example: 'tok_abc123', description: 'authType BEARER: the token (answered masked: ********)' })
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  bearerToken?: string;
  @ApiPropertyOptional({ type: OAuth2RequestDto, description: 'OAuth2 configuration (used when authType is OAUTH2)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => OAuth2RequestDto)
  oAuth2Request?: OAuth2RequestDto;
  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    example: [7],
    description: 'User IDs to notify on webhook failure (at most 10)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10, { message: 'failureReceivers must have at most 10 user ids' })
  @IsInt({ each: true })
  failureReceivers?: number[];
  @ApiPropertyOptional({
    type: 'integer',
    default: 10,
    description: 'Consecutive failed probes of the endpoint (circuit breaker) before it is disabled due to errors',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  failureLimit?: number;
  @ApiPropertyOptional({
    enum: WEBHOOK_STATUSES,
    default: 'ENABLED',
    description: 'Webhook status. DISABLED_DUE_TO_ERRORS is set by the gateway; ENABLED again sends what was held',
  })
  @IsOptional()
  @oneOf('status', WEBHOOK_STATUSES)
  status?: (typeof WEBHOOK_STATUSES)[number];
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    example: 10,
    description: 'Callbacks per minute at most (Blynk: 10); over it a delivery waits. null: none',
  })
  @IsOptional()
  @IsInt({ message: 'rateLimitPerMinute must be an integer (callbacks per minute)' })
  @Min(1, { message: 'rateLimitPerMinute must be at least 1' })
  @Max(60_000, { message: 'rateLimitPerMinute must be at most 60000' })
  rateLimitPerMinute?: number | null;
  @ApiPropertyOptional({ type: SignatureDto, description: 'How callbacks are signed (default: Standard Webhooks)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SignatureDto)
  signature?: SignatureDto;
}

export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {}

/** Blynk's list query: `orgId`, and paging (0-based `page`; the whole list by default, as Blynk answers it). */
export class ListWebhooksQuery extends PageQuery {
  @ApiPropertyOptional({ type: 'integer', description: "a sub-organization's id (default: the token's org)" })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  orgId?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 1000 })
  override size = 1000;
}

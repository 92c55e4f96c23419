import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { PageQuery } from '../common/page.js';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  AUTH_TYPES,
  CONDITION_OPS,
  CONTENT_TYPES,
  METHODS,
  SIGNATURE_ENCODINGS,
  SIGNATURE_TYPES,
  TRIGGERS,
  WEBHOOK_STATUSES,
} from './webhook.model.js';
import {
  DATASTREAM_NAME_PATTERN,
  DATASTREAM_NAME_RULE,
  DEVICE_ID_PATTERN,
  DEVICE_ID_RULE,
  DEVICE_STATUSES,
} from '../devices/device.model.js';

const ID = DEVICE_ID_PATTERN;
const NAME = DATASTREAM_NAME_PATTERN;
// Messages of nested objects name the field relative to that object: ValidationPipe prepends the parent's path
// (`dataTrigger.`, `dataTrigger.condition.`) once.
const idRule = (field: string, each = false) => ({
  each,
  message: `${field} must ${each ? 'each ' : ''}match ${DEVICE_ID_RULE}`,
});
const nameRule = (field: string, each = false) => ({
  each,
  message: `${field} must ${each ? 'each ' : ''}match ${DATASTREAM_NAME_RULE}`,
});
const trimmed = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
const oneOf = (name: string, values: readonly string[]) =>
  IsIn(values, { message: `${name} must be one of ${values.join(', ')}` });

export class ConditionDto {
  @ApiProperty({
    enum: CONDITION_OPS,
    example: 'gt',
    description: 'How the new value is compared: any, changed, eq … lt, between/outside value and value2',
  })
  @oneOf('op', CONDITION_OPS)
  op!: (typeof CONDITION_OPS)[number];
  @ApiPropertyOptional({
    oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }],
    example: 30,
    description: 'The value compared against (a number for gt, gte, lt, lte, between, outside)',
  })
  @IsOptional()
  value?: number | string | boolean;
  @ApiPropertyOptional({ example: 40, description: 'between/outside: the upper bound' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value2?: number;
  @ApiPropertyOptional({
    example: 0.5,
    description: 'How far back across the threshold the value must go before it can fire again',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  hysteresis?: number;
  @ApiPropertyOptional({
    example: 60000,
    description: 'Fires only after the condition has held this long (ms, at most a day)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  forMs?: number;
}

export class DataTriggerDto {
  @ApiPropertyOptional({ example: 'pump-1', description: 'Only this device' })
  @IsOptional()
  @Matches(ID, idRule('deviceId'))
  deviceId?: string;
  @ApiPropertyOptional({ example: 'TMPL0001', description: 'Only devices of this template (PRODUCT_* triggers)' })
  @IsOptional()
  @Matches(ID, idRule('templateId'))
  templateId?: string;
  @ApiPropertyOptional({
    example: 'temperature',
    description: 'The datastream whose updates fire it (required for datastream triggers)',
  })
  @IsOptional()
  @Matches(NAME, nameRule('dataStream'))
  dataStream?: string;
  @ApiPropertyOptional({
    example: 'overheat',
    description: 'The log-event code that fires it (required for log-event triggers)',
  })
  @IsOptional()
  @Matches(NAME, nameRule('eventCode'))
  eventCode?: string;
  @ApiPropertyOptional({
    example: ['overheat', 'door_open'],
    description: 'DEVICE_EVENTS: log-event codes that fire it',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(NAME, nameRule('eventCodes', true))
  eventCodes?: string[];
  @ApiPropertyOptional({
    enum: DEVICE_STATUSES,
    isArray: true,
    example: ['OFFLINE'],
    description: 'DEVICE_STATUS and DEVICE_EVENTS: the statuses that fire it',
  })
  @IsOptional()
  @IsArray()
  @IsIn(DEVICE_STATUSES, {
    each: true,
    message: `statuses must each be one of ${DEVICE_STATUSES.join(', ')}`,
  })
  statuses?: (typeof DEVICE_STATUSES)[number][];
  @ApiPropertyOptional({ example: ['pump-1'], description: 'Only these devices' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(ID, idRule('deviceIds', true))
  deviceIds?: string[];
  @ApiPropertyOptional({ example: ['basement'], description: 'Only devices in these groups' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(ID, idRule('deviceGroupIds', true))
  deviceGroupIds?: string[];
  @ApiPropertyOptional({
    type: ConditionDto,
    description: 'Datastream triggers: fire only when the new value meets it',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConditionDto)
  condition?: ConditionDto;
  @ApiPropertyOptional({ example: 60000, description: 'At most one callback per device in this many ms' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  throttleMs?: number;
  @ApiPropertyOptional({
    example: '65f1c0ffee0000000000beef',
    description: 'INBOUND_WEBHOOK_RECEIVED: only calls to this inbound webhook',
  })
  @IsOptional()
  @Matches(/^[a-f0-9]{24}$/, { message: 'inboundWebhookId must be an inbound webhook id (24 hex digits)' })
  inboundWebhookId?: string;
}

export class OAuth2RequestDto {
  @ApiProperty({
    example: 'https://auth.example.com/oauth/token',
    description: 'Token endpoint (client credentials grant)',
  })
  @IsString()
  @MaxLength(512)
  tokenUrl!: string;
  @ApiProperty({ example: 'gateway', description: 'OAuth2 client id' })
  @IsString()
  @Length(1, 256)
  clientId!: string;
  @ApiProperty({ example: 's3cret', description: 'OAuth2 client secret (answered masked: ********)' })
  @IsString()
  @Length(1, 512)
  clientSecret!: string;
  @ApiPropertyOptional({ example: 'webhooks', description: 'OAuth2 scope asked for' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  scope?: string;
}

export class BasicAuthDto {
  @ApiProperty({ example: 'gateway', description: 'Basic authentication user' })
  @IsString()
  @Length(1, 256)
  username!: string;
  @ApiProperty({ example: 's3cret', description: 'Basic authentication password (answered masked: ********)' })
  @IsString()
  @Length(0, 512)
  password!: string;
}

const HEADER_NAME_RULE = { message: "must be a header name (letters, digits and !#$%&'*+-.^_`|~, at most 100)" };
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

/** How callbacks are signed (SignatureOption); the cross-field rules are in webhook-rules.ts. */
export class SignatureDto {
  @ApiProperty({
    enum: SIGNATURE_TYPES,
    default: 'STANDARD_WEBHOOKS',
    description: 'STANDARD_WEBHOOKS: webhook-id, webhook-timestamp, webhook-signature headers; HMAC_SHA256: one header',
  })
  @oneOf('type', SIGNATURE_TYPES)
  type!: (typeof SIGNATURE_TYPES)[number];
  @ApiPropertyOptional({
    example: 'X-Hub-Signature-256',
    description: 'HMAC_SHA256: the header carrying the signature',
  })
  @IsOptional()
  @Matches(HEADER_NAME, { message: `header ${HEADER_NAME_RULE.message}` })
  header?: string;
  @ApiPropertyOptional({
    enum: SIGNATURE_ENCODINGS,
    default: 'hex',
    description: 'HMAC_SHA256: how the HMAC is written',
  })
  @IsOptional()
  @oneOf('encoding', SIGNATURE_ENCODINGS)
  encoding?: (typeof SIGNATURE_ENCODINGS)[number];
  @ApiPropertyOptional({ example: 'sha256=', description: 'HMAC_SHA256: put before the signature' })
  @IsOptional()
  @Matches(/^[\x21-\x7e]{0,32}$/, { message: 'prefix must be at most 32 visible ASCII characters (no spaces)' })
  prefix?: string;
  @ApiPropertyOptional({
    example: 'X-Timestamp',
    description: 'HMAC_SHA256: a header carrying the Unix time (seconds) of the attempt',
  })
  @IsOptional()
  @Matches(HEADER_NAME, { message: `timestampHeader ${HEADER_NAME_RULE.message}` })
  timestampHeader?: string;
  @ApiPropertyOptional({
    example: false,
    description: 'HMAC_SHA256: the HMAC covers "<timestamp>.<body>" (needs timestampHeader)',
  })
  @IsOptional()
  @IsBoolean({ message: 'signTimestamp must be true or false' })
  signTimestamp?: boolean;
}

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

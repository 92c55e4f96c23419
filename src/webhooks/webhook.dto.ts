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
  @ApiProperty({ enum: CONDITION_OPS }) @oneOf('op', CONDITION_OPS) op!: (typeof CONDITION_OPS)[number];
  @ApiPropertyOptional() @IsOptional() value?: number | string | boolean;
  @ApiPropertyOptional() @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) value2?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) hysteresis?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(86_400_000) forMs?: number;
}

export class DataTriggerDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, idRule('deviceId'))
  deviceId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, idRule('templateId'))
  templateId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(NAME, nameRule('dataStream'))
  dataStream?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(NAME, nameRule('eventCode'))
  eventCode?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(NAME, nameRule('eventCodes', true))
  eventCodes?: string[];
  @ApiPropertyOptional({ enum: DEVICE_STATUSES, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(DEVICE_STATUSES, {
    each: true,
    message: `statuses must each be one of ${DEVICE_STATUSES.join(', ')}`,
  })
  statuses?: (typeof DEVICE_STATUSES)[number][];
  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(ID, idRule('deviceIds', true))
  deviceIds?: string[];
  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(ID, idRule('deviceGroupIds', true))
  deviceGroupIds?: string[];
  @ApiPropertyOptional({ type: ConditionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConditionDto)
  condition?: ConditionDto;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(86_400_000) throttleMs?: number;
  @ApiPropertyOptional({ description: 'INBOUND_WEBHOOK_RECEIVED: only calls to this inbound webhook' })
  @IsOptional()
  @Matches(/^[a-f0-9]{24}$/, { message: 'inboundWebhookId must be an inbound webhook id (24 hex digits)' })
  inboundWebhookId?: string;
}

export class OAuth2RequestDto {
  @ApiProperty() @IsString() @MaxLength(512) tokenUrl!: string;
  @ApiProperty() @IsString() @Length(1, 256) clientId!: string;
  @ApiProperty() @IsString() @Length(1, 512) clientSecret!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(512) scope?: string;
}

export class BasicAuthDto {
  @ApiProperty() @IsString() @Length(1, 256) username!: string;
  @ApiProperty() @IsString() @Length(0, 512) password!: string;
}

const HEADER_NAME_RULE = { message: "must be a header name (letters, digits and !#$%&'*+-.^_`|~, at most 100)" };
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

/** How callbacks are signed (SignatureOption); the cross-field rules are in webhook-rules.ts. */
export class SignatureDto {
  @ApiProperty({ enum: SIGNATURE_TYPES, default: 'STANDARD_WEBHOOKS' })
  @oneOf('type', SIGNATURE_TYPES)
  type!: (typeof SIGNATURE_TYPES)[number];
  @ApiPropertyOptional({ description: 'HMAC_SHA256: the header carrying the signature, e.g. X-Hub-Signature-256' })
  @IsOptional()
  @Matches(HEADER_NAME, { message: `header ${HEADER_NAME_RULE.message}` })
  header?: string;
  @ApiPropertyOptional({ enum: SIGNATURE_ENCODINGS, default: 'hex' })
  @IsOptional()
  @oneOf('encoding', SIGNATURE_ENCODINGS)
  encoding?: (typeof SIGNATURE_ENCODINGS)[number];
  @ApiPropertyOptional({ description: "Put before the signature, e.g. 'sha256='" })
  @IsOptional()
  @Matches(/^[\x21-\x7e]{0,32}$/, { message: 'prefix must be at most 32 visible ASCII characters (no spaces)' })
  prefix?: string;
  @ApiPropertyOptional({ description: 'A header carrying the Unix time (seconds) of the attempt' })
  @IsOptional()
  @Matches(HEADER_NAME, { message: `timestampHeader ${HEADER_NAME_RULE.message}` })
  timestampHeader?: string;
  @ApiPropertyOptional({ description: 'The HMAC covers "<timestamp>.<body>" (needs timestampHeader)' })
  @IsOptional()
  @IsBoolean({ message: 'signTimestamp must be true or false' })
  signTimestamp?: boolean;
}

export class CreateWebhookDto {
  @ApiProperty({ description: 'Trimmed; 1 to 50 characters, unique in the organization (Kobiton)' })
  @trimmed
  @IsString({ message: 'name must be a string' })
  @Length(1, 50, { message: 'name must be 1 to 50 characters, spaces around it not counted' })
  name!: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(512, { message: 'description must be at most 512 characters' })
  description?: string;
  @ApiProperty({ enum: TRIGGERS }) @oneOf('trigger', TRIGGERS) trigger!: (typeof TRIGGERS)[number];
  @ApiPropertyOptional({ type: DataTriggerDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DataTriggerDto)
  dataTrigger?: DataTriggerDto;
  @ApiProperty() @IsString() @MaxLength(512, { message: 'url must be at most 512 characters' }) url!: string;
  @ApiPropertyOptional({ enum: METHODS }) @IsOptional() @oneOf('method', METHODS) method?: (typeof METHODS)[number];
  @ApiPropertyOptional({ enum: CONTENT_TYPES })
  @IsOptional()
  @oneOf('contentType', CONTENT_TYPES)
  contentType?: (typeof CONTENT_TYPES)[number];
  @ApiPropertyOptional({ enum: AUTH_TYPES })
  @IsOptional()
  @oneOf('authType', AUTH_TYPES)
  authType?: (typeof AUTH_TYPES)[number];
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024, { message: 'body must be at most 1024 characters' })
  body?: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() formBody?: Record<string, string>;
  @ApiPropertyOptional() @IsOptional() @IsObject() headers?: Record<string, string>;
  @ApiPropertyOptional({ type: BasicAuthDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => BasicAuthDto)
  basicAuth?: BasicAuthDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2048) bearerToken?: string;
  @ApiPropertyOptional({ type: OAuth2RequestDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OAuth2RequestDto)
  oAuth2Request?: OAuth2RequestDto;
  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10, { message: 'failureReceivers must have at most 10 user ids' })
  @IsInt({ each: true })
  failureReceivers?: number[];
  @ApiPropertyOptional({
    default: 10,
    description: 'Consecutive failed probes of the endpoint (circuit breaker) before it is disabled due to errors',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  failureLimit?: number;
  @ApiPropertyOptional({ enum: WEBHOOK_STATUSES })
  @IsOptional()
  @oneOf('status', WEBHOOK_STATUSES)
  status?: (typeof WEBHOOK_STATUSES)[number];
  @ApiPropertyOptional({
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

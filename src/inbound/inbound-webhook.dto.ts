import { TOPIC_PATH_PATTERN, TOPIC_PATH_RULE } from '../devices/device-topics.js';
import { DEVICE_ID_PATTERN, DEVICE_ID_RULE } from '../devices/device.model.js';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageNumber, PageSize } from '../common/page.js';

const ID = DEVICE_ID_PATTERN;

/** Messages name the field relative to `target`: ValidationPipe prepends `target.` once. */
export class InboundTargetDto {
  @ApiPropertyOptional({ example: 'pump-1', description: 'Publish to this device (devices/{id}/downlink/{path})' })
  @IsOptional()
  @Matches(ID, { message: `deviceId must match ${DEVICE_ID_RULE}` })
  deviceId?: string;
  @ApiPropertyOptional({ example: 'TMPL0001', description: 'Publish to every device of this template' })
  @IsOptional()
  @Matches(ID, { message: `templateId must match ${DEVICE_ID_RULE}` })
  templateId?: string;
  @ApiPropertyOptional({ example: 'basement', description: 'Publish to every device of this group' })
  @IsOptional()
  @Matches(ID, { message: `groupId must match ${DEVICE_ID_RULE}` })
  groupId?: string;
  @ApiPropertyOptional({ example: 'alerts', description: 'Publish to this topic under orgs/{orgId}/' })
  @IsOptional()
  @Matches(TOPIC_PATH_PATTERN, {
    message: `topic must be ${TOPIC_PATH_RULE}`,
  })
  topic?: string;
  @ApiPropertyOptional({ default: 'webhook', description: 'Device targets: the downlink sub-topic' })
  @IsOptional()
  @Matches(TOPIC_PATH_PATTERN, {
    message: `path must be ${TOPIC_PATH_RULE}`,
  })
  path?: string;
}

/** Losant's webhook fields (seed 003) plus our routing `target`. */
export class CreateInboundWebhookDto {
  @ApiProperty({ example: 'My Webhook', description: 'Webhook name, 1 to 255 characters' })
  @IsString()
  @Length(1, 255, { message: 'name must be 1 to 255 characters' })
  name!: string;
  @ApiPropertyOptional({ example: 'Pump commands from the ERP', description: 'Free text' })
  @IsOptional()
  @IsString()
  @MaxLength(32767)
  description?: string;
  @ApiPropertyOptional({ type: 'integer', default: 200, description: 'HTTP status answered to callers (100 to 599)' })
  @IsOptional()
  @IsInt()
  @Min(100, { message: 'responseCode must be 100 to 599' })
  @Max(599, { message: 'responseCode must be 100 to 599' })
  responseCode?: number;
  @ApiPropertyOptional({ enum: ['none'], description: 'Verification of callers (none: the only type implemented)' })
  @IsOptional()
  @IsIn(['none'], { message: 'verificationType must be none (the only type implemented)' })
  verificationType?: 'none';
  @ApiPropertyOptional({ description: "Losant's verification code (kept, not used)" })
  @IsOptional()
  @IsString()
  @MaxLength(32767)
  verificationCode?: string;
  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    description: 'Basic authentication user of callers (null clears it)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  basicAuthUsername?: string | null;
  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    description: 'Basic authentication password (null clears it)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  basicAuthPassword?: string | null;
  @ApiPropertyOptional({ default: false, description: "Answer with the device's reply instead of responseCode" })
  @IsOptional()
  @IsBoolean()
  waitForReply?: boolean;
  @ApiPropertyOptional({ default: true, description: 'Disabled: calls are refused (403)' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
  @ApiPropertyOptional({
    type: InboundTargetDto,
    nullable: true,
    example: { deviceId: 'pump-1' },
    description:
      'Where calls are published: exactly one of deviceId, templateId, groupId, topic (none: calls only raise inbound.received)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundTargetDto)
  target?: InboundTargetDto | null;
}

export class UpdateInboundWebhookDto extends PartialType(CreateInboundWebhookDto) {}

/** Losant's collection query. */
export class ListInboundWebhooksQuery {
  @ApiPropertyOptional({ enum: ['name', 'id', 'creationDate', 'lastUpdated'], default: 'name', description: 'Sort by' })
  @IsOptional()
  @IsIn(['name', 'id', 'creationDate', 'lastUpdated'], {
    message: 'sortField must be one of name, id, creationDate, lastUpdated',
  })
  sortField = 'name';
  @ApiPropertyOptional({
    enum: ['asc', 'desc', 'ASC', 'DESC'],
    default: 'asc',
    description: 'Sort direction (any case)',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsIn(['asc', 'desc'], { message: 'sortDirection must be asc or desc (any case)' })
  sortDirection: 'asc' | 'desc' = 'asc';
  @PageNumber() page = 0;
  @PageSize(1000, 100) perPage = 100;
  @ApiPropertyOptional({ enum: ['name'], description: 'The field the filter applies to' })
  @IsOptional()
  @IsIn(['name'], { message: 'filterField must be name' })
  filterField?: 'name';
  @ApiPropertyOptional({ description: 'glob: * any run of characters, ? one' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  filter?: string;
  @IsOptional() orgId?: string;
}

/** Losant's DELETE query. */
export class DeleteInboundWebhookQuery {
  @ApiPropertyOptional({ description: 'true: also deletes the outbound webhooks this one triggers' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'includeWorkflows must be true or false' })
  includeWorkflows?: boolean;
  @IsOptional() orgId?: string;
}

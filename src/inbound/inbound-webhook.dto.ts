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
import { MAX_PAGE } from '../common/json-limits.js';

const ID = DEVICE_ID_PATTERN;

/** Messages name the field relative to `target`: ValidationPipe prepends `target.` once. */
export class InboundTargetDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: `deviceId must match ${DEVICE_ID_RULE}` })
  deviceId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: `templateId must match ${DEVICE_ID_RULE}` })
  templateId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: `groupId must match ${DEVICE_ID_RULE}` })
  groupId?: string;
  @ApiPropertyOptional({ description: 'a topic under orgs/{orgId}/' })
  @IsOptional()
  @Matches(TOPIC_PATH_PATTERN, {
    message: `topic must be ${TOPIC_PATH_RULE}`,
  })
  topic?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(TOPIC_PATH_PATTERN, {
    message: `path must be ${TOPIC_PATH_RULE}`,
  })
  path?: string;
}

/** Losant's webhook fields (seed 003) plus our routing `target`. */
export class CreateInboundWebhookDto {
  @ApiProperty() @IsString() @Length(1, 255, { message: 'name must be 1 to 255 characters' }) name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32767) description?: string;
  @ApiPropertyOptional({ default: 200 })
  @IsOptional()
  @IsInt()
  @Min(100, { message: 'responseCode must be 100 to 599' })
  @Max(599, { message: 'responseCode must be 100 to 599' })
  responseCode?: number;
  @ApiPropertyOptional({ enum: ['none'] })
  @IsOptional()
  @IsIn(['none'], { message: 'verificationType must be none (the only type implemented)' })
  verificationType?: 'none';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32767) verificationCode?: string;
  @ApiPropertyOptional({ nullable: true, description: 'null clears basic auth' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  basicAuthUsername?: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'null clears basic auth' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  basicAuthPassword?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() waitForReply?: boolean;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({
    type: InboundTargetDto,
    nullable: true,
    description: 'none: calls only raise inbound.received',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => InboundTargetDto)
  target?: InboundTargetDto | null;
}

export class UpdateInboundWebhookDto extends PartialType(CreateInboundWebhookDto) {}

/** Losant's collection query. */
export class ListInboundWebhooksQuery {
  @IsOptional()
  @IsIn(['name', 'id', 'creationDate', 'lastUpdated'], {
    message: 'sortField must be one of name, id, creationDate, lastUpdated',
  })
  sortField = 'name';
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsIn(['asc', 'desc'], { message: 'sortDirection must be asc or desc (any case)' })
  sortDirection: 'asc' | 'desc' = 'asc';
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_PAGE) page = 0;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) perPage = 100;
  @IsOptional() @IsIn(['name'], { message: 'filterField must be name' }) filterField?: 'name';
  @IsOptional() @IsString() @MaxLength(255) filter?: string;
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

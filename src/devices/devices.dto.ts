import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { MAX_PAGE } from '../common/json-limits.js';

import {
  DEVICE_ID_PATTERN as DEVICE_ID,
  DEVICE_ID_RULE,
  DEVICE_STATUSES as STATUSES,
  DEVICE_TYPES as TYPES,
} from './device.model.js';

const ID_RULE = { message: `$property must match ${DEVICE_ID_RULE}` };
const GROUP_RULE = { each: true, message: `groupIds must each match ${DEVICE_ID_RULE}` };
const TYPE_RULE = { message: `type must be one of ${TYPES.join(', ')}` };

export class CreateDeviceDto {
  @ApiPropertyOptional({ description: 'Globally unique id; generated when absent' })
  @IsOptional()
  @Matches(DEVICE_ID, ID_RULE)
  id?: string;
  @ApiProperty() @IsString() @Length(1, 100) name!: string;
  @ApiPropertyOptional({ enum: TYPES })
  @IsOptional()
  @IsIn(TYPES, TYPE_RULE)
  type?: (typeof TYPES)[number];
  @ApiPropertyOptional() @IsOptional() @Matches(DEVICE_ID, ID_RULE) templateId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(DEVICE_ID, GROUP_RULE)
  groupIds?: string[];
  @ApiPropertyOptional() @IsOptional() @Matches(DEVICE_ID, ID_RULE) agentId?: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() metadata?: Record<string, unknown>;
}

/** Every field of a create but the id, each optional; `null` clears templateId or agentId. */
export class UpdateDeviceDto extends PartialType(OmitType(CreateDeviceDto, ['id'] as const)) {}

export class ListDevicesQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_PAGE) page = 0;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) size = 50;
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: string;
  @ApiPropertyOptional({ enum: TYPES })
  @IsOptional()
  @IsIn(TYPES, TYPE_RULE)
  type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() templateId?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() orgId?: number;
}

export class CreateAgentDto {
  @ApiPropertyOptional() @IsOptional() @Matches(DEVICE_ID, ID_RULE) id?: string;
  @ApiProperty() @IsString() @Length(1, 100) name!: string;
}

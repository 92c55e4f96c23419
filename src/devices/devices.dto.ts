import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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

export const DEVICE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const ID_RULE = { message: '$property must match [A-Za-z0-9._:-]{1,64}' };
const TYPES = ['PRIVATE', 'LOCAL', 'PUBLIC'] as const;
const STATUSES = ['online', 'offline', 'utilizing', 'unplugged'] as const;

export class CreateDeviceDto {
  @ApiPropertyOptional({ description: 'Globally unique id; generated when absent' })
  @IsOptional()
  @Matches(DEVICE_ID, ID_RULE)
  id?: string;
  @ApiProperty() @IsString() @Length(1, 100) name!: string;
  @ApiPropertyOptional({ enum: TYPES })
  @IsOptional()
  @IsIn(TYPES, { message: 'type must be one of PRIVATE, LOCAL, PUBLIC' })
  type?: (typeof TYPES)[number];
  @ApiPropertyOptional() @IsOptional() @Matches(DEVICE_ID, ID_RULE) templateId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(DEVICE_ID, { each: true, message: 'groupIds must each match [A-Za-z0-9._:-]{1,64}' })
  groupIds?: string[];
  @ApiPropertyOptional() @IsOptional() @Matches(DEVICE_ID, ID_RULE) agentId?: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() metadata?: Record<string, unknown>;
}

export class UpdateDeviceDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) name?: string;
  @ApiPropertyOptional({ enum: TYPES })
  @IsOptional()
  @IsIn(TYPES, { message: 'type must be one of PRIVATE, LOCAL, PUBLIC' })
  type?: (typeof TYPES)[number];
  @ApiPropertyOptional() @IsOptional() @Matches(DEVICE_ID, ID_RULE) templateId?: string | null;
  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(DEVICE_ID, { each: true, message: 'groupIds must each match [A-Za-z0-9._:-]{1,64}' })
  groupIds?: string[];
  @ApiPropertyOptional() @IsOptional() @Matches(DEVICE_ID, ID_RULE) agentId?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsObject() metadata?: Record<string, unknown>;
}

export class ListDevicesQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_PAGE) page = 0;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) size = 50;
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES, { message: 'status must be one of online, offline, utilizing, unplugged' })
  status?: string;
  @ApiPropertyOptional({ enum: TYPES })
  @IsOptional()
  @IsIn(TYPES, { message: 'type must be one of PRIVATE, LOCAL, PUBLIC' })
  type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() templateId?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() orgId?: number;
}

export class CreateAgentDto {
  @ApiPropertyOptional() @IsOptional() @Matches(DEVICE_ID, ID_RULE) id?: string;
  @ApiProperty() @IsString() @Length(1, 100) name!: string;
}

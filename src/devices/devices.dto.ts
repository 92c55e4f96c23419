import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageNumber, PageSize } from '../common/page.js';

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
  @ApiPropertyOptional({
    example: 'pump-1',
    description: 'Globally unique id (the MQTT client id); generated when absent',
  })
  @IsOptional()
  @Matches(DEVICE_ID, ID_RULE)
  id?: string;
  @ApiProperty({ example: 'Pump 1', description: 'Display name, 1 to 100 characters' })
  @IsString()
  @Length(1, 100)
  name!: string;
  @ApiPropertyOptional({ enum: TYPES, default: 'PRIVATE', description: 'Device type' })
  @IsOptional()
  @IsIn(TYPES, TYPE_RULE)
  type?: (typeof TYPES)[number];
  @ApiPropertyOptional({ example: 'TMPL0001', description: 'Its template (null clears it)' })
  @IsOptional()
  @Matches(DEVICE_ID, ID_RULE)
  templateId?: string;
  @ApiPropertyOptional({ example: ['basement'], description: 'Groups it belongs to (at most 50)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(DEVICE_ID, GROUP_RULE)
  groupIds?: string[];
  @ApiPropertyOptional({ example: 'gateway-north', description: 'The fleet agent reporting for it (null clears it)' })
  @IsOptional()
  @Matches(DEVICE_ID, ID_RULE)
  agentId?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { site: 'north' },
    description: 'Free metadata (placeholders can name it)',
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

/** Every field of a create but the id, each optional; `null` clears templateId or agentId. */
export class UpdateDeviceDto extends PartialType(OmitType(CreateDeviceDto, ['id'] as const)) {}

export class ListDevicesQuery {
  @PageNumber() page = 0;
  @PageSize(1000, 50) size = 50;
  @ApiPropertyOptional({ enum: STATUSES, description: 'Only devices with this presence' })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of ${STATUSES.join(', ')}` })
  status?: string;
  @ApiPropertyOptional({ enum: TYPES, description: 'Only devices of this type' })
  @IsOptional()
  @IsIn(TYPES, TYPE_RULE)
  type?: string;
  @ApiPropertyOptional({ description: 'Only devices of this template' }) @IsOptional() @IsString() templateId?: string;
  @ApiPropertyOptional({ type: 'integer', description: "A sub-organization's id (default: the token's org)" })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  orgId?: number;
}

export class CreateAgentDto {
  @ApiPropertyOptional({
    example: 'gateway-north',
    description: 'Agent id (its MQTT client id); generated when absent',
  })
  @IsOptional()
  @Matches(DEVICE_ID, ID_RULE)
  id?: string;
  @ApiProperty({ example: 'North site gateway', description: 'Display name, 1 to 100 characters' })
  @IsString()
  @Length(1, 100)
  name!: string;
}

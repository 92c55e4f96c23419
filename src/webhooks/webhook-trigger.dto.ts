import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  DATASTREAM_NAME_PATTERN,
  DATASTREAM_NAME_RULE,
  DEVICE_ID_PATTERN,
  DEVICE_ID_RULE,
  DEVICE_STATUSES,
} from '../devices/device.model.js';
import { CONDITION_OPS } from './webhook.model.js';
import { oneOf } from './webhook-dto-rules.js';

// What fires a webhook: its dataTrigger (devices, datastream or event codes, statuses) and the condition on a
// datastream's value.

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

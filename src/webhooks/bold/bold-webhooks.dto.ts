import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  MaxLength,
} from 'class-validator';

export const BOLD_TOPICS = [
  'DeviceActivationEvents',
  'DeviceDeactivationEvents',
  'DeviceStatusEvents',
  'DeviceTamperEvents',
] as const;

/** Bold's `POST /v2/webhooks` body (seed 002), field for field. */
export class CreateBoldWebhookDto {
  @ApiProperty() @IsInt({ message: 'organizationId must be a number' }) organizationId!: number;
  @ApiPropertyOptional({ type: [Number], description: 'deviceIds, deviceGroupIds or both' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsInt({ each: true, message: 'deviceIds must be numbers' })
  deviceIds?: number[];
  @ApiPropertyOptional({ type: [Number] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsInt({ each: true, message: 'deviceGroupIds must be numbers' })
  deviceGroupIds?: number[];
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 256) secretHttp?: string;
  @ApiProperty()
  @IsString()
  @MaxLength(512, { message: 'webhookUrl must be at most 512 characters' })
  webhookUrl!: string;
  @ApiProperty({ enum: BOLD_TOPICS, isArray: true })
  @IsArray()
  @ArrayMinSize(1, { message: 'topics must name at least one topic' })
  @IsIn(BOLD_TOPICS, { each: true, message: `topics must each be one of ${BOLD_TOPICS.join(', ')}` })
  topics!: (typeof BOLD_TOPICS)[number][];
}

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
  @ApiProperty({ type: 'integer', example: 6, description: "The token's organization (another is refused: 403)" })
  @IsInt({ message: 'organizationId must be a number' })
  organizationId!: number;
  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    example: [85, 86, 87],
    description: 'Devices it covers (deviceIds, deviceGroupIds or both)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsInt({ each: true, message: 'deviceIds must be numbers' })
  deviceIds?: number[];
  @ApiPropertyOptional({ type: 'integer', isArray: true, example: [], description: 'Device groups it covers' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsInt({ each: true, message: 'deviceGroupIds must be numbers' })
  deviceGroupIds?: number[];
  @ApiPropertyOptional({
    example: 'PoWJFA11inptkbGz',
    description: 'A simple secret, sent verbatim in the X-Webhook-Secret header of every callback',
  })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  secretHttp?: string;
  @ApiProperty({ example: 'https://webhooks.athom.com/webhook/XXXXX', description: 'Where callbacks go (https)' })
  @IsString()
  @MaxLength(512, { message: 'webhookUrl must be at most 512 characters' })
  webhookUrl!: string;
  @ApiProperty({ enum: BOLD_TOPICS, isArray: true, example: ['DeviceStatusEvents'], description: 'Event topics' })
  @IsArray()
  @ArrayMinSize(1, { message: 'topics must name at least one topic' })
  @IsIn(BOLD_TOPICS, { each: true, message: `topics must each be one of ${BOLD_TOPICS.join(', ')}` })
  topics!: (typeof BOLD_TOPICS)[number][];
}

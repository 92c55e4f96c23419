// What Bold's API answers (seed 002; the OpenAPI document's response schemas).
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { BOLD_TOPICS } from './bold-webhooks.dto.js';

@ApiSchema({ name: 'BoldCreated', description: "Bold's answer to a new subscription" })
export class BoldCreatedView {
  @ApiProperty({ type: 'integer', example: 2, description: 'Subscription ID (the webhook ID)' }) id!: number;
  @ApiProperty({
    example: 'bSxyOp4vaSNpvyUMfrA98WsOqRSlzBBB',
    description: 'The HMAC key callbacks are signed with (shown once)',
  })
  secretHmac!: string;
}

@ApiSchema({ name: 'BoldSubscription', description: 'A Bold subscription, as its POST body named it' })
export class BoldSubscriptionView {
  @ApiProperty({ type: 'integer', example: 2, description: 'Subscription ID (the webhook ID)' }) id!: number;
  @ApiProperty({ type: 'integer', example: 6, description: 'Organization ID' }) organizationId!: number;
  @ApiProperty({ type: 'integer', isArray: true, example: [85, 86, 87], description: 'Devices it covers' })
  deviceIds!: number[];
  @ApiProperty({ type: 'integer', isArray: true, example: [], description: 'Device groups it covers' })
  deviceGroupIds!: number[];
  @ApiProperty({ example: 'https://webhooks.athom.com/webhook/XXXXX', description: 'Where callbacks go' })
  webhookUrl!: string;
  @ApiProperty({ enum: BOLD_TOPICS, isArray: true, example: ['DeviceStatusEvents'], description: 'Event topics' })
  topics!: string[];
}

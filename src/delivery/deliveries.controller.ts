import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import { mayEditWebhooks } from '../webhooks/read-only-view.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from './delivery.model.js';
import { DeliveriesService } from './deliveries.service.js';
import { PageNumber, PageSize } from '../common/page.js';
import { IntParam } from '../common/int-param.js';
import {
  DeliveryPageView,
  DeliveryView,
  ReplayCountView,
  ReplayedSinceView,
  ReplayStartedView,
  TestResultView,
} from './delivery.view.js';

export class ListDeliveriesQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, description: 'Only deliveries in this status' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;
  @PageNumber() page = 0;
  @PageSize(100, 20) size = 20;
  @ApiPropertyOptional({ type: 'integer', format: 'int64', description: 'Deliveries created since then (ms)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'since must be a timestamp in milliseconds' })
  @Min(0)
  since?: number;
  /** Search, exact: the device id, the `webhook-id` (msg_…), the event name (device.status.offline). */
  @ApiPropertyOptional({ description: 'Search: this device only (exact)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  deviceId?: string;
  @ApiPropertyOptional({ description: 'Search: the delivery with this webhook-id (exact)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  messageId?: string;
  @ApiPropertyOptional({ description: 'Search: this event (exact), e.g. device.status.offline' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  event?: string;
}

export class ReplayQuery {
  @ApiProperty({ type: 'integer', format: 'int64', description: 'Failed and held deliveries created since then (ms)' })
  @Type(() => Number)
  @IsInt({ message: 'since must be a timestamp in milliseconds' })
  @Min(0)
  since!: number;
}

/** The delivery log of one webhook, its replays, and Blynk's Test. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('api/v1/organization/webhooks/:id')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('deliveries')
  @ApiOperation({ summary: 'The delivery log of a webhook' })
  @ApiOkResponse({ type: DeliveryPageView })
  @RequireScope('webhook.get')
  list(
    @Req() req: AuthedRequest,
    @Param('id', new IntParam('webhook id')) id: number,
    @Query() q: ListDeliveriesQuery,
  ) {
    const { status, page, size, since, deviceId, messageId, event } = q;
    const query = { status, page, size, since, deviceId, messageId, event };
    return this.deliveries.list(req.auth.orgId, id, query, mayEditWebhooks(req.auth.scopes));
  }

  @Get('deliveries/:deliveryId')
  @ApiOperation({ summary: 'One delivery with its attempts' })
  @ApiOkResponse({ type: DeliveryView })
  @RequireScope('webhook.get')
  get(
    @Req() req: AuthedRequest,
    @Param('id', new IntParam('webhook id')) id: number,
    @Param('deliveryId', new IntParam('delivery id')) deliveryId: number,
  ) {
    return this.deliveries.get(req.auth.orgId, id, deliveryId, mayEditWebhooks(req.auth.scopes));
  }

  @Post('deliveries/:deliveryId/replay')
  @ApiOperation({ summary: 'Replay one delivery (same webhook-id, a new round of the retry schedule)' })
  @ApiAcceptedResponse({ type: ReplayStartedView })
  @HttpCode(202)
  @RequireScope('webhook.patch')
  replay(
    @Req() req: AuthedRequest,
    @Param('id', new IntParam('webhook id')) id: number,
    @Param('deliveryId', new IntParam('delivery id')) deliveryId: number,
  ) {
    return this.deliveries.replay(req.auth.orgId, id, deliveryId);
  }

  /** How many deliveries `POST replay?since=` would send now (a bulk replay says what it will do first). */
  @Get('replay')
  @ApiOperation({ summary: 'How many deliveries a replay since a time would send' })
  @ApiOkResponse({ type: ReplayCountView })
  @RequireScope('webhook.get')
  replayCount(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number, @Query() q: ReplayQuery) {
    return this.deliveries.replayCount(req.auth.orgId, id, q.since);
  }

  @Post('replay')
  @ApiOperation({ summary: 'Replay failed and held deliveries since a time' })
  @ApiAcceptedResponse({ type: ReplayedSinceView })
  @HttpCode(202)
  @RequireScope('webhook.patch')
  replaySince(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number, @Query() q: ReplayQuery) {
    return this.deliveries.replaySince(req.auth.orgId, id, q.since);
  }

  @Post('test')
  @ApiOperation({ summary: "Send a synthetic event now (Blynk's Test)" })
  @ApiOkResponse({ type: TestResultView })
  @HttpCode(200)
  @RequireScope('webhook.patch')
  test(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number) {
    return this.deliveries.test(req.auth.orgId, id);
  }
}

import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from './delivery.model.js';
import { DeliveriesService } from './deliveries.service.js';
import { MAX_PAGE } from '../common/json-limits.js';
import { IntParam } from '../common/int-param.js';

export class ListDeliveriesQuery {
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_PAGE) page = 0;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) size = 20;
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'since must be a timestamp in milliseconds' })
  @Min(0)
  since?: number;
  /** Search, exact: the device id, the `webhook-id` (msg_…), the event name (device.status.offline). */
  @IsOptional() @IsString() @MaxLength(200) deviceId?: string;
  @IsOptional() @IsString() @MaxLength(200) messageId?: string;
  @IsOptional() @IsString() @MaxLength(100) event?: string;
}

export class ReplayQuery {
  @Type(() => Number) @IsInt({ message: 'since must be a timestamp in milliseconds' }) @Min(0) since!: number;
}

/** The delivery log of one webhook, its replays, and Blynk's Test. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('api/v1/organization/webhooks/:id')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('deliveries')
  @RequireScope('webhook.get')
  list(
    @Req() req: AuthedRequest,
    @Param('id', new IntParam('webhook id')) id: number,
    @Query() q: ListDeliveriesQuery,
  ) {
    const { status, page, size, since, deviceId, messageId, event } = q;
    return this.deliveries.list(req.auth.orgId, id, { status, page, size, since, deviceId, messageId, event });
  }

  @Get('deliveries/:deliveryId')
  @RequireScope('webhook.get')
  get(
    @Req() req: AuthedRequest,
    @Param('id', new IntParam('webhook id')) id: number,
    @Param('deliveryId', new IntParam('delivery id')) deliveryId: number,
  ) {
    return this.deliveries.get(req.auth.orgId, id, deliveryId);
  }

  @Post('deliveries/:deliveryId/replay')
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
  @RequireScope('webhook.get')
  replayCount(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number, @Query() q: ReplayQuery) {
    return this.deliveries.replayCount(req.auth.orgId, id, q.since);
  }

  @Post('replay')
  @HttpCode(202)
  @RequireScope('webhook.patch')
  replaySince(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number, @Query() q: ReplayQuery) {
    return this.deliveries.replaySince(req.auth.orgId, id, q.since);
  }

  @Post('test')
  @HttpCode(200)
  @RequireScope('webhook.patch')
  test(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number) {
    return this.deliveries.test(req.auth.orgId, id);
  }
}

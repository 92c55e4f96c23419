import { Body, Controller, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { ApiError } from '../common/api-error.js';
import { GatewayConfig } from '../config/gateway-config.js';
import { DevicesService } from '../devices/devices.service.js';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import { DownlinkService } from './downlink.service.js';

export class CommandQuery {
  @IsOptional() @Type(() => Number) @IsIn([0, 1], { message: 'qos must be 0 or 1' }) qos: 0 | 1 = 1;
  @IsOptional() @Type(() => String) @IsIn(['true', 'false'], { message: 'retain must be true or false' }) retain:
    'true' | 'false' = 'false';
  @IsOptional()
  @Type(() => String)
  @IsIn(['true', 'false'], { message: 'waitForReply must be true or false' })
  waitForReply: 'true' | 'false' = 'false';
}

const PATH = /^[A-Za-z0-9._:-]+(\/[A-Za-z0-9._:-]+)*$/;

/** `POST /devices/{id}/downlink/{path}`: a command to one device, optionally waiting for its reply. */
@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/v1/organization/devices')
export class DeviceCommandsController {
  constructor(
    private readonly devices: DevicesService,
    private readonly downlink: DownlinkService,
    private readonly config: GatewayConfig,
  ) {}

  @Post(':id/downlink/*path')
  @RequireScope('device.patch')
  async send(@Req() req: AuthedRequest, @Param('id') id: string, @Query() q: CommandQuery, @Body() body: unknown) {
    const device = this.devices.get(req.auth.orgId, id);
    const raw = (req.params as Record<string, string | string[]>).path;
    const path = Array.isArray(raw) ? raw.join('/') : raw;
    if (!PATH.test(path)) throw ApiError.badRequest('path must be topic levels of [A-Za-z0-9._:-] without wildcards');
    const replyId = q.waitForReply === 'true' ? this.downlink.newReplyId() : undefined;
    const topic = `devices/${device.id}/downlink/${path}`;
    const payload = replyId ? JSON.stringify({ body: body ?? null, replyId }) : JSON.stringify(body ?? null);
    await this.downlink.publish(topic, payload, q.qos, q.retain === 'true');
    if (!replyId) return { topic, qos: q.qos, retain: q.retain === 'true', published: true };
    const reply = await this.downlink.awaitReply(replyId, [device.id], this.config.INBOUND_REPLY_TIMEOUT_MS);
    if (!reply)
      throw new ApiError(
        504,
        'ReplyTimeout',
        `device ${device.id} did not reply within ${this.config.INBOUND_REPLY_TIMEOUT_MS} ms`,
      );
    return { topic, replyId, reply };
  }
}

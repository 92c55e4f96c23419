import { Body, Controller, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';

/** A query flag: `true` or `false`, anything else is refused by IsBoolean. */
const flag = () => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
import { downlinkTopic, TOPIC_PATH_PATTERN, TOPIC_PATH_RULE } from '../devices/device-topics.js';
import { ApiError } from '../common/api-error.js';
import { DevicesService } from '../devices/devices.service.js';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import { DownlinkService } from './downlink.service.js';

export class CommandQuery {
  @ApiPropertyOptional({ type: 'integer', enum: [0, 1], default: 1, description: 'MQTT QoS of the command' })
  @IsOptional()
  @Type(() => Number)
  @IsIn([0, 1], { message: 'qos must be 0 or 1' })
  qos: 0 | 1 = 1;
  @ApiPropertyOptional({ type: 'boolean', default: false, description: 'Retained: a device connecting later gets it' })
  @IsOptional()
  @flag()
  @IsBoolean({ message: 'retain must be true or false' })
  retain = false;
  @ApiPropertyOptional({
    type: 'boolean',
    default: false,
    description: "Wait for the device's reply (the body is sent as {body, replyId})",
  })
  @IsOptional()
  @flag()
  @IsBoolean({ message: 'waitForReply must be true or false' })
  waitForReply = false;
}

@ApiSchema({ name: 'CommandSent', description: "The command published, or the device's reply (waitForReply)" })
export class CommandSentView {
  @ApiProperty({ example: 'devices/pump-1/downlink/set', description: 'The topic it was published to' })
  topic!: string;
  @ApiPropertyOptional({ type: 'integer', enum: [0, 1], example: 1, description: 'Without waitForReply: its QoS' })
  qos?: number;
  @ApiPropertyOptional({ example: false, description: 'Without waitForReply: retained' }) retain?: boolean;
  @ApiPropertyOptional({ example: true, description: 'Without waitForReply: published' }) published?: boolean;
  @ApiPropertyOptional({ example: 'r_5f2c9a', description: 'With waitForReply: the id the reply carries' })
  replyId?: string;
  @ApiPropertyOptional({ example: { ok: true }, description: "With waitForReply: the device's reply" })
  reply?: unknown;
}

/** `POST /devices/{id}/downlink/{path}`: a command to one device, optionally waiting for its reply. */
@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/v1/organization/devices')
export class DeviceCommandsController {
  constructor(
    private readonly devices: DevicesService,
    private readonly downlink: DownlinkService,
  ) {}

  @Post(':id/downlink/*path')
  @ApiOperation({ summary: 'Send a command to a device (published to devices/{id}/downlink/{path})' })
  @ApiBody({
    required: false,
    schema: { description: 'Any JSON: the command', example: { speed: 3 } },
  })
  @ApiCreatedResponse({ type: CommandSentView })
  @RequireScope('device.patch')
  async send(@Req() req: AuthedRequest, @Param('id') id: string, @Query() q: CommandQuery, @Body() body: unknown) {
    const device = this.devices.get(req.auth.orgId, id);
    const raw = (req.params as Record<string, string | string[]>).path;
    const path = Array.isArray(raw) ? raw.join('/') : raw;
    if (!TOPIC_PATH_PATTERN.test(path)) throw ApiError.badRequest(`path must be ${TOPIC_PATH_RULE}`);
    const topic = downlinkTopic(device.id, path);
    const sent = await this.downlink.send(
      [{ topic, deviceId: device.id }],
      (replyId) => JSON.stringify(replyId ? { body: body ?? null, replyId } : (body ?? null)),
      { qos: q.qos, retain: q.retain, waitForReply: q.waitForReply, who: `device ${device.id}` },
    );
    if (!sent.replyId) return { topic, qos: q.qos, retain: q.retain, published: true };
    return { topic, replyId: sent.replyId, reply: await sent.reply() };
  }
}

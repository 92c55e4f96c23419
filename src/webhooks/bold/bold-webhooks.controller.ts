import {
  type ArgumentsHost,
  Body,
  Catch,
  Logger,
  type CallHandler,
  Controller,
  type ExceptionFilter,
  type ExecutionContext,
  HttpCode,
  type NestInterceptor,
  Options,
  Post,
  Req,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import { ApiError, describeError, logServerError } from '../../common/api-error.js';
import type { AuthedRequest } from '../../tenancy/auth.guard.js';
import { RequireScope } from '../../tenancy/scopes.js';
import { DEVICE_STATUSES } from '../../devices/device.model.js';
import { DeviceRegistry } from '../../devices/device-registry.js';
import { WebhooksService } from '../webhooks.service.js';
import { CreateBoldWebhookDto } from './bold-webhooks.dto.js';

/** The headers on every Bold response (seed 002), errors included; http-setup sets them on every /v2 path. */
export const BOLD_HEADERS: Record<string, string> = {
  'Access-Control-Expose-Headers': 'authorization, content-type',
  'Access-Control-Allow-Headers': 'authorization, content-type',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS, PUT',
  'Access-Control-Allow-Origin': '*',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Frame-Options': 'SAMEORIGIN',
  'X-Content-Type-Options': 'nosniff',
  'X-XSS-Protection': '1; mode=block',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'Referrer-Policy': 'no-referrer',
  'Feature-Policy': 'self',
  'Permissions-policy': 'interest-cohort=()',
};

const BOLD_MESSAGES: Record<string, string> = {
  WebhookUnsupportedProtocol: 'Unsupported protocol: We only support https for now.',
  Unauthorized: 'Invalid authentication token',
  Forbidden: 'Insufficient rights',
};

/** Bold's error body: `{message, code, errorMessage, errorCode}`. */
export function boldError(exception: unknown): { status: number; body: Record<string, string> } {
  const { status, code, message: ours } = describeError(exception);
  const message = BOLD_MESSAGES[code] ?? ours;
  return { status, body: { message, code, errorMessage: message, errorCode: code } };
}

@Catch()
class BoldErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    logServerError(new Logger('http'), exception);
    const { status, body } = boldError(exception);
    host.switchToHttp().getResponse<Response>().status(status).set(BOLD_HEADERS).json(body);
  }
}

class BoldHeaders implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    context.switchToHttp().getResponse<Response>().set(BOLD_HEADERS);
    return next.handle();
  }
}

/**
 * Bold's `POST /v2/webhooks`, accepted verbatim. One subscription is one webhook of trigger DEVICE_EVENTS:
 * DeviceStatusEvents ⇒ every device status (Kobiton's rules), DeviceTamperEvents ⇒ log event `tamper`,
 * DeviceActivationEvents / DeviceDeactivationEvents ⇒ log events `activation` / `deactivation`. Bold's numeric
 * device and group ids become our string ids (unknown device ids are refused, naming them); `secretHttp` is
 * sent as X-Webhook-Secret on every callback, `secretHmac` is the Standard Webhooks signing secret and also
 * keys the plain hex HMAC-SHA256 of the body in X-Webhook-HMAC-SHA256; callbacks name their Bold `topic`.
 */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v2/webhooks')
@UseFilters(BoldErrorFilter)
@UseInterceptors(BoldHeaders)
export class BoldWebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly registry: DeviceRegistry,
  ) {}

  /** CORS preflight: the seed's headers, no body. */
  @Options()
  @HttpCode(204)
  preflight(): void {}

  @Post()
  @HttpCode(200)
  @RequireScope('webhooks.post')
  async create(
    @Req() req: AuthedRequest,
    @Body() dto: CreateBoldWebhookDto,
  ): Promise<{ id: number; secretHmac: string }> {
    if (dto.organizationId !== req.auth.orgId) throw new ApiError(403, 'Forbidden', 'Insufficient rights');
    this.webhooks.checkUrl(dto.webhookUrl);
    const deviceIds = (dto.deviceIds ?? []).map(String);
    if (!deviceIds.length && !dto.deviceGroupIds?.length)
      throw ApiError.badRequest('deviceIds or deviceGroupIds must name at least one device or group');
    const unknown = deviceIds.filter((id) => this.registry.device(id)?.orgId !== req.auth.orgId);
    if (unknown.length) throw ApiError.badRequest(`deviceIds: unknown devices ${unknown.join(', ')}`, 'UnknownDevices');
    const codes = {
      DeviceActivationEvents: 'activation',
      DeviceDeactivationEvents: 'deactivation',
      DeviceTamperEvents: 'tamper',
    } as const;
    const eventCodes = dto.topics.flatMap((t) => (t === 'DeviceStatusEvents' ? [] : [codes[t]]));
    const created = await this.webhooks.create(
      req.auth.orgId,
      {
        name: `Bold subscription ${randomBytes(4).toString('hex')}`,
        trigger: 'DEVICE_EVENTS',
        url: dto.webhookUrl,
        dataTrigger: {
          ...(dto.topics.includes('DeviceStatusEvents') ? { statuses: [...DEVICE_STATUSES] } : {}),
          ...(eventCodes.length ? { eventCodes: [...new Set(eventCodes)] } : {}),
          ...(deviceIds.length ? { deviceIds } : {}),
          ...(dto.deviceGroupIds?.length ? { deviceGroupIds: dto.deviceGroupIds.map(String) } : {}),
        },
      },
      { httpSecret: dto.secretHttp, origin: 'bold' },
    );
    return { id: created.id, secretHmac: created.secret! };
  }
}

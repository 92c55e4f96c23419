import {
  type ArgumentsHost,
  Body,
  Catch,
  Logger,
  type CallHandler,
  Controller,
  Delete,
  type ExceptionFilter,
  type ExecutionContext,
  Get,
  HttpCode,
  type NestInterceptor,
  Options,
  Param,
  Post,
  Put,
  Req,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BoldCreatedView, BoldSubscriptionView } from './bold-webhooks.view.js';
import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import { ApiError, describeError, logServerError } from '../../common/api-error.js';
import type { AuthedRequest } from '../../tenancy/auth.guard.js';
import { RequireScope } from '../../tenancy/scopes.js';
import { IntParam } from '../../common/int-param.js';
import { DeviceRegistry } from '../../devices/device-registry.js';
import type { Webhook } from '../webhook.model.js';
import { WebhooksService } from '../webhooks.service.js';
import { mayEditWebhooks } from '../read-only-view.js';
import { type BoldSubscription, dataTriggerOf, subscriptionNotFound, subscriptionOf } from './bold-subscriptions.js';
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
 * Bold's `/v2/webhooks` (seed 002): POST accepted verbatim, answered `{id, secretHmac}`. One subscription is one
 * webhook of trigger DEVICE_EVENTS: DeviceStatusEvents ⇒ every device status (Kobiton's rules),
 * DeviceTamperEvents ⇒ log event `tamper`, DeviceActivationEvents / DeviceDeactivationEvents ⇒ log events
 * `activation` / `deactivation`. Bold's numeric device and group ids become our string ids (unknown device ids
 * are refused, naming them); `secretHttp` is sent as X-Webhook-Secret on every callback, `secretHmac` is the
 * Standard Webhooks signing secret and also keys the plain hex HMAC-SHA256 of the body in X-Webhook-HMAC-SHA256;
 * callbacks name their Bold `topic`. GET (list, one), PUT (the POST body, replacing) and DELETE follow Bold's
 * conventions (GET_v2_shares: a list is an array; "<entity> not found"); they see Bold subscriptions only.
 */
// Bold's own example (seed 002).
const BOLD_EXAMPLES = {
  bold: {
    summary: "Bold's example: connect a webhook",
    value: {
      organizationId: 6,
      deviceIds: [85, 86, 87],
      secretHttp: 'PoWJFA11inptkbGz',
      webhookUrl: 'https://webhooks.athom.com/webhook/XXXXX',
      topics: ['DeviceActivationEvents', 'DeviceDeactivationEvents', 'DeviceStatusEvents', 'DeviceTamperEvents'],
    },
  },
};

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
  @ApiOperation({ summary: 'CORS preflight (Bold)' })
  @ApiNoContentResponse({ description: "Bold's CORS headers" })
  @Options()
  @HttpCode(204)
  preflight(): void {}

  @ApiOperation({ summary: 'CORS preflight (Bold)' })
  @ApiNoContentResponse({ description: "Bold's CORS headers" })
  @Options(':id')
  @HttpCode(204)
  preflightOne(): void {}

  @ApiOperation({ summary: "The organization's Bold subscriptions" })
  @ApiOkResponse({ type: BoldSubscriptionView, isArray: true })
  @Get()
  @RequireScope('webhooks.get')
  list(@Req() req: AuthedRequest): BoldSubscription[] {
    return this.webhooks
      .list(req.auth.orgId, 0, Number.MAX_SAFE_INTEGER, mayEditWebhooks(req.auth.scopes))
      .items.filter((w) => w.origin === 'bold')
      .map((w) => subscriptionOf(w, req.auth.orgId));
  }

  @ApiOperation({ summary: 'One Bold subscription' })
  @ApiOkResponse({ type: BoldSubscriptionView })
  @Get(':id')
  @RequireScope('webhook.get')
  get(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number): BoldSubscription {
    const view = this.webhooks.view(this.subscription(req.auth.orgId, id), mayEditWebhooks(req.auth.scopes));
    return subscriptionOf(view, req.auth.orgId);
  }

  @ApiOperation({ summary: "Create a webhook subscription (Bold's request)" })
  @ApiOkResponse({ type: BoldCreatedView })
  @ApiBody({ type: CreateBoldWebhookDto, examples: BOLD_EXAMPLES })
  @Post()
  @HttpCode(200)
  @RequireScope('webhooks.post')
  async create(
    @Req() req: AuthedRequest,
    @Body() dto: CreateBoldWebhookDto,
  ): Promise<{ id: number; secretHmac: string }> {
    const created = await this.webhooks.create(
      req.auth.orgId,
      {
        name: `Bold subscription ${randomBytes(4).toString('hex')}`,
        trigger: 'DEVICE_EVENTS',
        url: dto.webhookUrl,
        dataTrigger: this.checked(req, dto),
      },
      { httpSecret: dto.secretHttp, origin: 'bold' },
    );
    return { id: created.id, secretHmac: created.secret! };
  }

  /** The POST body replaces the subscription (an absent secretHttp removes it); the HMAC secret stays. */
  @ApiOperation({ summary: "Replace a subscription (the POST's body; the HMAC secret stays)" })
  @ApiOkResponse({ type: BoldSubscriptionView })
  @ApiBody({ type: CreateBoldWebhookDto, examples: BOLD_EXAMPLES })
  @Put(':id')
  @RequireScope('webhook.put')
  async replace(
    @Req() req: AuthedRequest,
    @Param('id', new IntParam('webhook id')) id: number,
    @Body() dto: CreateBoldWebhookDto,
  ): Promise<BoldSubscription> {
    this.subscription(req.auth.orgId, id);
    const dataTrigger = this.checked(req, dto);
    const updated = await this.webhooks.update(req.auth.orgId, id, { url: dto.webhookUrl, dataTrigger }, false, {
      httpSecret: dto.secretHttp ?? null,
    });
    return subscriptionOf(updated, req.auth.orgId);
  }

  /** 204: Bold publishes no DELETE body, none is invented. */
  @ApiOperation({ summary: 'Delete a subscription' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @Delete(':id')
  @HttpCode(204)
  @RequireScope('webhook.delete')
  async remove(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number): Promise<void> {
    this.subscription(req.auth.orgId, id);
    await this.webhooks.remove(req.auth.orgId, id);
  }

  /** A Bold subscription of the org; any other webhook is not one (Bold's 404). */
  private subscription(orgId: number, id: number): Webhook {
    let w: Webhook;
    try {
      w = this.webhooks.get(orgId, id);
    } catch {
      throw subscriptionNotFound();
    }
    if (w.origin !== 'bold') throw subscriptionNotFound();
    return w;
  }

  /** Bold's checks in Bold's order: the organization, the URL (its insecure example), then the devices. */
  private checked(req: AuthedRequest, dto: CreateBoldWebhookDto) {
    if (dto.organizationId !== req.auth.orgId) throw new ApiError(403, 'Forbidden', 'Insufficient rights');
    this.webhooks.checkUrl(dto.webhookUrl);
    return dataTriggerOf(dto, (id) => this.registry.device(id)?.orgId === req.auth.orgId);
  }
}

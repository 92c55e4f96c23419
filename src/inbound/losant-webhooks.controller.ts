import {
  type ArgumentsHost,
  Body,
  Catch,
  Logger,
  Controller,
  Delete,
  type ExceptionFilter,
  Get,
  Param,
  Patch,
  Post,
  Query,
  Req,
  UseFilters,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LosantWebhookListView, LosantWebhookView, SuccessView } from './inbound-webhook.view.js';
import { CREATE_EXAMPLES, PATCH_EXAMPLES } from './inbound-webhooks.controller.js';
import type { Response } from 'express';
import { ApiError, describeError, logServerError } from '../common/api-error.js';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import {
  CreateInboundWebhookDto,
  DeleteInboundWebhookQuery,
  ListInboundWebhooksQuery,
  UpdateInboundWebhookDto,
} from './inbound-webhook.dto.js';
import { mayEditWebhooks } from '../webhooks/read-only-view.js';
import { InboundWebhooksService, type InboundWebhookView } from './inbound-webhooks.service.js';

const LOSANT_TYPES: Record<number, string> = {
  400: 'Validation',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  429: 'TooManyRequests',
};

/** Losant's error body: `{type, message}`. */
export function losantError(exception: unknown): { status: number; body: { type: string; message: string } } {
  const { status, message } = describeError(exception);
  return { status, body: { type: LOSANT_TYPES[status] ?? 'Error', message } };
}

@Catch()
class LosantErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    logServerError(new Logger('http'), exception);
    const { status, body } = losantError(exception);
    host.switchToHttp().getResponse<Response>().status(status).json(body);
  }
}

/** The same resource at Losant's own paths (`/applications/{applicationId}/webhooks`); the application is the org. */
@ApiTags('inbound webhooks')
@ApiBearerAuth()
@Controller('applications/:applicationId/webhooks')
@UseFilters(LosantErrorFilter)
export class LosantWebhooksController {
  constructor(private readonly webhooks: InboundWebhooksService) {}

  @ApiOperation({ summary: "List webhooks (Losant's collection)" })
  @ApiOkResponse({ type: LosantWebhookListView })
  @Get()
  @RequireScope('webhooks.get')
  async list(@Req() req: AuthedRequest, @Param('applicationId') app: string, @Query() q: ListInboundWebhooksQuery) {
    const page = await this.webhooks.list(orgOf(req, app), q, mayEditWebhooks(req.auth.scopes));
    return { ...page, items: page.items.map(losantView) };
  }

  @ApiOperation({ summary: 'Create a webhook (Losant)' })
  @ApiCreatedResponse({ type: LosantWebhookView })
  @ApiBody({ type: CreateInboundWebhookDto, examples: CREATE_EXAMPLES })
  @Post()
  @RequireScope('webhooks.post')
  async create(@Req() req: AuthedRequest, @Param('applicationId') app: string, @Body() dto: CreateInboundWebhookDto) {
    return losantView(await this.webhooks.create(orgOf(req, app), dto));
  }

  @ApiOperation({ summary: 'Get a webhook (Losant)' })
  @ApiOkResponse({ type: LosantWebhookView })
  @Get(':webhookId')
  @RequireScope('webhook.get')
  async get(@Req() req: AuthedRequest, @Param('applicationId') app: string, @Param('webhookId') id: string) {
    return losantView(
      this.webhooks.view(await this.webhooks.get(orgOf(req, app), webhookIdOf(id)), mayEditWebhooks(req.auth.scopes)),
    );
  }

  @ApiOperation({ summary: 'Update a webhook (Losant)' })
  @ApiOkResponse({ type: LosantWebhookView })
  @ApiBody({ type: UpdateInboundWebhookDto, examples: PATCH_EXAMPLES })
  @Patch(':webhookId')
  @RequireScope('webhook.patch')
  async update(
    @Req() req: AuthedRequest,
    @Param('applicationId') app: string,
    @Param('webhookId') id: string,
    @Body() dto: UpdateInboundWebhookDto,
  ) {
    return losantView(await this.webhooks.update(orgOf(req, app), webhookIdOf(id), dto));
  }

  @ApiOperation({ summary: 'Delete a webhook (Losant)' })
  @ApiOkResponse({ type: SuccessView })
  @Delete(':webhookId')
  @RequireScope('webhook.delete')
  async remove(
    @Req() req: AuthedRequest,
    @Param('applicationId') app: string,
    @Param('webhookId') id: string,
    @Query() q: DeleteInboundWebhookQuery,
  ) {
    await this.webhooks.remove(orgOf(req, app), webhookIdOf(id), q.includeWorkflows);
    return { success: true };
  }
}

/** Losant's Webhook names its id twice, `id` and `webhookId` (losant-rest-js schemas/webhook.json). */
function losantView(w: InboundWebhookView): InboundWebhookView & { webhookId: string } {
  const { id, ...rest } = w;
  return { id, webhookId: id, ...rest };
}

/** WEBHOOK_ID is an ObjectId, `^[A-Fa-f\d]{24}$`: anything else is a malformed request (400), not a 404. */
function webhookIdOf(raw: string): string {
  if (!/^[A-Fa-f\d]{24}$/.test(raw))
    throw ApiError.badRequest(`webhookId must be 24 hexadecimal digits, not ${JSON.stringify(raw.slice(0, 40))}`);
  return raw.toLowerCase();
}

/** Another organization's application is reported like a missing one. */
function orgOf(req: AuthedRequest, applicationId: string): number {
  if (applicationId !== String(req.auth.orgId)) throw new ApiError(404, 'NotFound', 'Application was not found');
  return req.auth.orgId;
}

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
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
import { InboundWebhooksService, mayManage } from './inbound-webhooks.service.js';

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

  @Get()
  @RequireScope('webhooks.get')
  list(@Req() req: AuthedRequest, @Param('applicationId') app: string, @Query() q: ListInboundWebhooksQuery) {
    return this.webhooks.list(orgOf(req, app), q, mayManage(req.auth.scopes));
  }

  @Post()
  @RequireScope('webhooks.post')
  create(@Req() req: AuthedRequest, @Param('applicationId') app: string, @Body() dto: CreateInboundWebhookDto) {
    return this.webhooks.create(orgOf(req, app), dto);
  }

  @Get(':webhookId')
  @RequireScope('webhook.get')
  async get(@Req() req: AuthedRequest, @Param('applicationId') app: string, @Param('webhookId') id: string) {
    return this.webhooks.view(await this.webhooks.get(orgOf(req, app), id), mayManage(req.auth.scopes));
  }

  @Patch(':webhookId')
  @RequireScope('webhook.patch')
  update(
    @Req() req: AuthedRequest,
    @Param('applicationId') app: string,
    @Param('webhookId') id: string,
    @Body() dto: UpdateInboundWebhookDto,
  ) {
    return this.webhooks.update(orgOf(req, app), id, dto);
  }

  @Delete(':webhookId')
  @RequireScope('webhook.delete')
  async remove(
    @Req() req: AuthedRequest,
    @Param('applicationId') app: string,
    @Param('webhookId') id: string,
    @Query() q: DeleteInboundWebhookQuery,
  ) {
    await this.webhooks.remove(orgOf(req, app), id, q.includeWorkflows);
    return { success: true };
  }
}

/** Another organization's application is reported like a missing one. */
function orgOf(req: AuthedRequest, applicationId: string): number {
  if (applicationId !== String(req.auth.orgId)) throw new ApiError(404, 'NotFound', 'Application was not found');
  return req.auth.orgId;
}

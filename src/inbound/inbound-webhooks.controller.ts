import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import {
  CreateInboundWebhookDto,
  DeleteInboundWebhookQuery,
  ListInboundWebhooksQuery,
  UpdateInboundWebhookDto,
} from './inbound-webhook.dto.js';
import { InboundWebhooksService, mayManage } from './inbound-webhooks.service.js';

/** Losant's webhook resource (seed 003) at our REST paths; the token URL is /webhooks/{token}. */
@ApiTags('inbound webhooks')
@ApiBearerAuth()
@Controller('api/v1/organization/inbound-webhooks')
export class InboundWebhooksController {
  constructor(private readonly webhooks: InboundWebhooksService) {}

  @Get()
  @RequireScope('webhooks.get')
  list(@Req() req: AuthedRequest, @Query() q: ListInboundWebhooksQuery) {
    return this.webhooks.list(req.auth.orgId, q, mayManage(req.auth.scopes));
  }

  @Post()
  @RequireScope('webhooks.post')
  create(@Req() req: AuthedRequest, @Body() dto: CreateInboundWebhookDto) {
    return this.webhooks.create(req.auth.orgId, dto);
  }

  @Get(':id')
  @RequireScope('webhook.get')
  async get(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.webhooks.view(await this.webhooks.get(req.auth.orgId, id), mayManage(req.auth.scopes));
  }

  @Patch(':id')
  @RequireScope('webhook.patch')
  update(@Req() req: AuthedRequest, @Param('id') id: string, @Body() dto: UpdateInboundWebhookDto) {
    return this.webhooks.update(req.auth.orgId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('webhook.delete')
  remove(@Req() req: AuthedRequest, @Param('id') id: string, @Query() q: DeleteInboundWebhookQuery) {
    return this.webhooks.remove(req.auth.orgId, id, q.includeWorkflows);
  }
}

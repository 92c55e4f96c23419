import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { InboundWebhookListView, InboundWebhookView } from './inbound-webhook.view.js';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import {
  CreateInboundWebhookDto,
  DeleteInboundWebhookQuery,
  ListInboundWebhooksQuery,
  UpdateInboundWebhookDto,
} from './inbound-webhook.dto.js';
import { mayEditWebhooks } from '../webhooks/read-only-view.js';
import { InboundWebhooksService } from './inbound-webhooks.service.js';

export const CREATE_EXAMPLES = {
  device: { summary: 'Calls publish to one device', value: { name: 'My Webhook', target: { deviceId: 'pump-1' } } },
};
export const PATCH_EXAMPLES = {
  losant: { summary: "Losant's example", value: { name: 'My Updated Webhook', responseCode: 201 } },
};

/** Losant's webhook resource (seed 003) at our REST paths; the token URL is /webhooks/{token}. */
@ApiTags('inbound webhooks')
@ApiBearerAuth()
@Controller('api/v1/organization/inbound-webhooks')
export class InboundWebhooksController {
  constructor(private readonly webhooks: InboundWebhooksService) {}

  @ApiOperation({ summary: 'List inbound webhooks' })
  @ApiOkResponse({ type: InboundWebhookListView })
  @Get()
  @RequireScope('webhooks.get')
  list(@Req() req: AuthedRequest, @Query() q: ListInboundWebhooksQuery) {
    return this.webhooks.list(req.auth.orgId, q, mayEditWebhooks(req.auth.scopes));
  }

  @ApiOperation({ summary: 'Create an inbound webhook' })
  @ApiCreatedResponse({ type: InboundWebhookView })
  @ApiBody({ type: CreateInboundWebhookDto, examples: CREATE_EXAMPLES })
  @Post()
  @RequireScope('webhooks.post')
  create(@Req() req: AuthedRequest, @Body() dto: CreateInboundWebhookDto) {
    return this.webhooks.create(req.auth.orgId, dto);
  }

  @ApiOperation({ summary: 'Get an inbound webhook' })
  @ApiOkResponse({ type: InboundWebhookView })
  @Get(':id')
  @RequireScope('webhook.get')
  async get(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.webhooks.view(await this.webhooks.get(req.auth.orgId, id), mayEditWebhooks(req.auth.scopes));
  }

  @ApiOperation({ summary: 'Update an inbound webhook' })
  @ApiOkResponse({ type: InboundWebhookView })
  @ApiBody({ type: UpdateInboundWebhookDto, examples: PATCH_EXAMPLES })
  @Patch(':id')
  @RequireScope('webhook.patch')
  update(@Req() req: AuthedRequest, @Param('id') id: string, @Body() dto: UpdateInboundWebhookDto) {
    return this.webhooks.update(req.auth.orgId, id, dto);
  }

  @ApiOperation({ summary: 'Delete an inbound webhook' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @Delete(':id')
  @HttpCode(204)
  @RequireScope('webhook.delete')
  remove(@Req() req: AuthedRequest, @Param('id') id: string, @Query() q: DeleteInboundWebhookQuery) {
    return this.webhooks.remove(req.auth.orgId, id, q.includeWorkflows);
  }
}

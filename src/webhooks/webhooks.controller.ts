import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import { CreateWebhookDto, ListWebhooksQuery, UpdateWebhookDto } from './webhook.dto.js';
import { WebhooksService } from './webhooks.service.js';
import { CreatedWebhookView, SecretRotatedView, WebhookView } from './webhook.view.js';
import { IntParam } from '../common/int-param.js';
import { mayEditWebhooks } from './read-only-view.js';

// Request examples: Blynk's own (seed 000), and a datastream trigger with a condition.
const BLYNK_CREATE = {
  name: 'Device Status Notification',
  trigger: 'DEVICE_ADDED',
  url: 'https://example.com/webhook/{device_id}',
  method: 'POST',
  contentType: 'JSON',
  authType: 'NONE',
  body: '{"device_id": "{device_id}"}',
  failureReceivers: [],
  failureLimit: 10,
};
const CREATE_EXAMPLES = {
  blynk: { summary: "Blynk's example", value: BLYNK_CREATE },
  datastream: {
    summary: 'Temperature above 30 for a minute, at most once a minute per device',
    value: {
      name: 'Hot pump',
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { dataStream: 'temperature', condition: { op: 'gt', value: 30, forMs: 60000 }, throttleMs: 60000 },
      url: 'https://example.com/hot/{device_id}',
      body: '{"device": "{device_id}", "temperature": {value}}',
    },
  },
};
const UPDATE_EXAMPLES = {
  blynk: { summary: "Blynk's example", value: { name: 'Updated Webhook Name', status: 'ENABLED', failureLimit: 10 } },
  enable: { summary: 'Enable again (sends what was held while disabled due to errors)', value: { status: 'ENABLED' } },
};

/** Blynk's webhook resource (seed 000). */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('api/v1/organization/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOperation({ summary: 'List webhooks (Blynk: an array; X-Total-Count gives the total)' })
  @ApiOkResponse({ type: WebhookView, isArray: true, description: 'List of webhooks' })
  @RequireScope('webhooks.get')
  list(@Req() req: AuthedRequest, @Query() q: ListWebhooksQuery, @Res({ passthrough: true }) res: Response) {
    const { items, total } = this.webhooks.list(req.auth.orgId, q.page, q.size, mayEditWebhooks(req.auth.scopes));
    res.setHeader('X-Total-Count', String(total));
    return items;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a webhook' })
  @ApiOkResponse({ type: WebhookView, description: 'Webhook details' })
  @RequireScope('webhook.get')
  get(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number) {
    return this.webhooks.view(this.webhooks.get(req.auth.orgId, id), mayEditWebhooks(req.auth.scopes));
  }

  @Post()
  @ApiOperation({ summary: 'Create a webhook (signing secret shown once)' })
  @ApiCreatedResponse({ type: CreatedWebhookView, description: 'Webhook created successfully' })
  @RequireScope('webhooks.post')
  @ApiBody({ type: CreateWebhookDto, examples: CREATE_EXAMPLES })
  create(@Req() req: AuthedRequest, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(req.auth.orgId, dto);
  }

  @Put(':id')
  @ApiBody({ type: UpdateWebhookDto, examples: UPDATE_EXAMPLES })
  @ApiOperation({ summary: "Update a webhook (Blynk's update; unlisted fields kept)" })
  @ApiOkResponse({ type: WebhookView, description: 'Updated webhook' })
  @RequireScope('webhook.put')
  replace(
    @Req() req: AuthedRequest,
    @Param('id', new IntParam('webhook id')) id: number,
    @Body() dto: UpdateWebhookDto,
  ) {
    return this.webhooks.update(req.auth.orgId, id, dto, true);
  }

  @Patch(':id')
  @ApiBody({ type: UpdateWebhookDto, examples: UPDATE_EXAMPLES })
  @ApiOperation({ summary: 'Update some fields of a webhook' })
  @ApiOkResponse({ type: WebhookView, description: 'Updated webhook' })
  @RequireScope('webhook.patch')
  update(
    @Req() req: AuthedRequest,
    @Param('id', new IntParam('webhook id')) id: number,
    @Body() dto: UpdateWebhookDto,
  ) {
    return this.webhooks.update(req.auth.orgId, id, dto, false);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a webhook' })
  @ApiNoContentResponse({ description: 'Webhook deleted successfully' })
  @HttpCode(204)
  @RequireScope('webhook.delete')
  remove(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number) {
    return this.webhooks.remove(req.auth.orgId, id);
  }

  /** The new signing secret is shown here only. */
  @Post(':id/secret')
  @ApiOperation({ summary: 'Rotate the signing secret (the previous one stays valid for a grace period)' })
  @ApiCreatedResponse({ type: SecretRotatedView, description: 'The new secret' })
  @RequireScope('webhook.patch')
  rotate(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number) {
    return this.webhooks.rotateSecret(req.auth.orgId, id);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import { CreateWebhookDto, ListWebhooksQuery, UpdateWebhookDto } from './webhook.dto.js';
import { WebhooksService } from './webhooks.service.js';
import { IntParam } from '../common/int-param.js';

/** Blynk's webhook resource (seed 000). */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('api/v1/organization/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @RequireScope('webhooks.get')
  list(@Req() req: AuthedRequest, @Query() q: ListWebhooksQuery, @Res({ passthrough: true }) res: Response) {
    const { items, total } = this.webhooks.list(req.auth.orgId, q.page, q.size);
    res.setHeader('X-Total-Count', String(total));
    return items;
  }

  @Get(':id')
  @RequireScope('webhook.get')
  get(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number) {
    return this.webhooks.view(this.webhooks.get(req.auth.orgId, id));
  }

  @Post()
  @RequireScope('webhooks.post')
  create(@Req() req: AuthedRequest, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(req.auth.orgId, dto);
  }

  @Put(':id')
  @RequireScope('webhook.put')
  replace(
    @Req() req: AuthedRequest,
    @Param('id', new IntParam('webhook id')) id: number,
    @Body() dto: UpdateWebhookDto,
  ) {
    return this.webhooks.update(req.auth.orgId, id, dto, true);
  }

  @Patch(':id')
  @RequireScope('webhook.patch')
  update(
    @Req() req: AuthedRequest,
    @Param('id', new IntParam('webhook id')) id: number,
    @Body() dto: UpdateWebhookDto,
  ) {
    return this.webhooks.update(req.auth.orgId, id, dto, false);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('webhook.delete')
  remove(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number) {
    return this.webhooks.remove(req.auth.orgId, id);
  }

  /** The new signing secret is shown here only. */
  @Post(':id/secret')
  @RequireScope('webhook.patch')
  rotate(@Req() req: AuthedRequest, @Param('id', new IntParam('webhook id')) id: number) {
    return this.webhooks.rotateSecret(req.auth.orgId, id);
  }
}

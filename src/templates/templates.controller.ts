import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { TemplatePageView, TemplateView } from './template.view.js';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import { CreateTemplateDto, ListTemplatesQuery, UpdateTemplateDto } from './template.dto.js';
import { TemplatesService } from './templates.service.js';

/** Blynk's templates (`/api/v1/organization/templates`): id, name, description. */
@ApiTags('templates')
@ApiBearerAuth()
@Controller('api/v1/organization/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({ summary: 'List templates' })
  @ApiOkResponse({ type: TemplatePageView })
  @RequireScope('templates.get')
  list(@Req() req: AuthedRequest, @Query() q: ListTemplatesQuery) {
    return this.templates.list(req.auth.orgId, q);
  }

  @Post()
  @ApiOperation({ summary: 'Create a template' })
  @ApiCreatedResponse({ type: TemplateView })
  @RequireScope('templates.post')
  create(@Req() req: AuthedRequest, @Body() dto: CreateTemplateDto) {
    return this.templates.create(req.auth.orgId, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a template' })
  @ApiOkResponse({ type: TemplateView })
  @RequireScope('template.get')
  get(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.templates.get(req.auth.orgId, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a template' })
  @ApiOkResponse({ type: TemplateView })
  @RequireScope('template.patch')
  update(@Req() req: AuthedRequest, @Param('id') id: string, @Body() dto: UpdateTemplateDto) {
    return this.templates.update(req.auth.orgId, id, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a template' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @HttpCode(204)
  @RequireScope('template.delete')
  remove(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.templates.remove(req.auth.orgId, id);
  }
}

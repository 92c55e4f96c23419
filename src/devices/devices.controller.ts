import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { pageOf, PageQuery } from '../common/page.js';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import { CreateAgentDto, CreateDeviceDto, ListDevicesQuery, UpdateDeviceDto } from './devices.dto.js';
import { agentView, DevicesService, deviceView } from './devices.service.js';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('api/v1/organization/devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  /** 201 with the device and its MQTT token; the token is never shown again. */
  @Post()
  @RequireScope('devices.post')
  create(@Req() req: AuthedRequest, @Body() dto: CreateDeviceDto) {
    return this.devices.create(req.auth.orgId, dto);
  }

  @Get()
  @RequireScope('devices.get')
  list(@Req() req: AuthedRequest, @Query() q: ListDevicesQuery) {
    return this.devices.list(req.auth.orgId, q);
  }

  @Get(':id')
  @RequireScope('device.get')
  get(@Req() req: AuthedRequest, @Param('id') id: string) {
    return deviceView(this.devices.get(req.auth.orgId, id));
  }

  @Patch(':id')
  @RequireScope('device.patch')
  update(@Req() req: AuthedRequest, @Param('id') id: string, @Body() dto: UpdateDeviceDto) {
    return this.devices.update(req.auth.orgId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('device.delete')
  remove(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.devices.remove(req.auth.orgId, id);
  }

  @Post(':id/token')
  @RequireScope('device.patch')
  rotate(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.devices.rotateToken(req.auth.orgId, id);
  }
}

@ApiTags('agents')
@ApiBearerAuth()
@Controller('api/v1/organization/agents')
export class AgentsController {
  constructor(private readonly devices: DevicesService) {}

  @Post()
  @RequireScope('agents.post')
  create(@Req() req: AuthedRequest, @Body() dto: CreateAgentDto) {
    return this.devices.createAgent(req.auth.orgId, dto);
  }

  @Get()
  @RequireScope('agents.get')
  list(@Req() req: AuthedRequest, @Query() q: PageQuery) {
    return pageOf(this.devices.listAgents(req.auth.orgId), q);
  }

  @Get(':id')
  @RequireScope('agent.get')
  get(@Req() req: AuthedRequest, @Param('id') id: string) {
    return agentView(this.devices.agentOf(req.auth.orgId, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('agent.delete')
  remove(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.devices.removeAgent(req.auth.orgId, id);
  }

  @Post(':id/token')
  @RequireScope('agent.patch')
  rotate(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.devices.rotateAgentToken(req.auth.orgId, id);
  }
}

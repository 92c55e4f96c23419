import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  AgentPageView,
  AgentView,
  CreatedAgentView,
  CreatedDeviceView,
  DatastreamValueView,
  DevicePageView,
  DeviceView,
  TokenIssuedView,
} from './device.view.js';
import { pageOf, PageQuery } from '../common/page.js';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import { CreateAgentDto, CreateDeviceDto, ListDevicesQuery, UpdateDeviceDto } from './devices.dto.js';
import { agentView, DevicesService, deviceView } from './devices.service.js';

@ApiTags('devices')
@ApiBearerAuth()
@ApiExtraModels(DatastreamValueView)
@Controller('api/v1/organization/devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  /** 201 with the device and its MQTT token; the token is never shown again. */
  @Post()
  @ApiOperation({ summary: 'Create a device (its MQTT token shown once)' })
  @ApiCreatedResponse({ type: CreatedDeviceView })
  @RequireScope('devices.post')
  create(@Req() req: AuthedRequest, @Body() dto: CreateDeviceDto) {
    return this.devices.create(req.auth.orgId, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List devices' })
  @ApiOkResponse({ type: DevicePageView })
  @RequireScope('devices.get')
  list(@Req() req: AuthedRequest, @Query() q: ListDevicesQuery) {
    return this.devices.list(req.auth.orgId, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a device with its last values' })
  @ApiOkResponse({ type: DeviceView })
  @RequireScope('device.get')
  get(@Req() req: AuthedRequest, @Param('id') id: string) {
    return deviceView(this.devices.get(req.auth.orgId, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a device' })
  @ApiOkResponse({ type: DeviceView })
  @RequireScope('device.patch')
  update(@Req() req: AuthedRequest, @Param('id') id: string, @Body() dto: UpdateDeviceDto) {
    return this.devices.update(req.auth.orgId, id, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a device (its MQTT session is closed)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @HttpCode(204)
  @RequireScope('device.delete')
  remove(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.devices.remove(req.auth.orgId, id);
  }

  @Post(':id/token')
  @ApiOperation({ summary: "Rotate a device's MQTT token (the old one stops working)" })
  @ApiCreatedResponse({ type: TokenIssuedView })
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
  @ApiOperation({ summary: 'Create a fleet agent (its token shown once)' })
  @ApiCreatedResponse({ type: CreatedAgentView })
  @RequireScope('agents.post')
  create(@Req() req: AuthedRequest, @Body() dto: CreateAgentDto) {
    return this.devices.createAgent(req.auth.orgId, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List fleet agents' })
  @ApiOkResponse({ type: AgentPageView })
  @RequireScope('agents.get')
  list(@Req() req: AuthedRequest, @Query() q: PageQuery) {
    return pageOf(this.devices.listAgents(req.auth.orgId), q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a fleet agent' })
  @ApiOkResponse({ type: AgentView })
  @RequireScope('agent.get')
  get(@Req() req: AuthedRequest, @Param('id') id: string) {
    return agentView(this.devices.agentOf(req.auth.orgId, id));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a fleet agent' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @HttpCode(204)
  @RequireScope('agent.delete')
  remove(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.devices.removeAgent(req.auth.orgId, id);
  }

  @Post(':id/token')
  @ApiOperation({ summary: "Rotate an agent's token (the old one stops working)" })
  @ApiCreatedResponse({ type: TokenIssuedView })
  @RequireScope('agent.patch')
  rotate(@Req() req: AuthedRequest, @Param('id') id: string) {
    return this.devices.rotateAgentToken(req.auth.orgId, id);
  }
}

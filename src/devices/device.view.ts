// What the device and agent APIs answer (the OpenAPI document's response schemas; deviceView/agentView make them).
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { DEVICE_STATUSES, DEVICE_TYPES } from './device.model.js';

const MS = 1707244800000;
const ms = (description: string, nullable = false) =>
  ApiProperty({ type: 'integer', format: 'int64', nullable, example: MS, description });

@ApiSchema({ name: 'DatastreamValue', description: 'The last value of one datastream' })
export class DatastreamValueView {
  @ApiProperty({
    oneOf: [
      { type: 'number' },
      { type: 'string' },
      { type: 'boolean' },
      { type: 'object', additionalProperties: true },
    ],
    example: 21.5,
    description: 'The value as the device sent it (number, string, boolean or JSON)',
  })
  value!: unknown;
  @ms('When it arrived (ms)') ts!: number;
}

@ApiSchema({ name: 'DeviceLogEvent', description: "The device's last log event" })
export class DeviceLogEventView {
  @ApiProperty({ example: 'overheat', description: 'Event code' }) code!: string;
  @ApiProperty({ example: 'Motor above 90 °C', description: 'What the device said' }) description!: string;
  @ms('When it arrived (ms)') ts!: number;
}

@ApiSchema({ name: 'Device', description: 'A device with its presence and last values (its token is never shown)' })
export class DeviceView {
  @ApiProperty({ example: 'pump-1', description: 'Device id, globally unique (the MQTT client id)' }) id!: string;
  @ApiProperty({ type: 'integer', example: 101, description: 'Organization ID' }) orgId!: number;
  @ApiProperty({ example: 'Pump 1', description: 'Display name' }) name!: string;
  @ApiProperty({ enum: DEVICE_TYPES, example: 'PRIVATE', description: 'Device type' }) type!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'TMPL0001', description: 'Its template' })
  templateId!: string | null;
  @ApiProperty({ type: 'string', isArray: true, example: ['basement'], description: 'Groups it belongs to' })
  groupIds!: string[];
  @ApiProperty({ type: 'string', nullable: true, example: null, description: 'The fleet agent reporting for it' })
  agentId!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { site: 'north' },
    description: 'Free metadata (placeholders can name it)',
  })
  metadata!: Record<string, unknown>;
  @ApiProperty({ enum: DEVICE_STATUSES, example: 'online', description: 'Presence' }) status!: string;
  @ApiProperty({ type: 'integer', example: 12, description: "Sequence number of the device's last event" })
  seq!: number;
  @ms('Last time it was heard from (null: never)', true) lastSeen!: number | null;
  @ms('First MQTT connection (null: never)', true) firstConnectedAt!: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/DatastreamValue' },
    example: { temperature: { value: 21.5, ts: MS } },
    description: 'Last value per datastream',
  })
  values!: Record<string, DatastreamValueView>;
  @ApiProperty({ type: DeviceLogEventView, nullable: true, description: 'Its last log event (null: none)' })
  lastEvent!: DeviceLogEventView | null;
  @ms('Creation timestamp in milliseconds') createdAt!: number;
  @ms('When REST last changed its configuration, in milliseconds') updatedAt!: number;
  @ApiProperty({
    type: 'integer',
    required: false,
    example: 1700000000000,
    description: 'When the device last reported its own name, type, template or metadata (MQTT info), in milliseconds',
  })
  reportedAt?: number;
}

@ApiSchema({ name: 'CreatedDevice', description: 'A new device with its MQTT password (shown this once)' })
export class CreatedDeviceView extends DeviceView {
  @ApiProperty({ example: 'dev_4f9c2a7b1e8d4c6a9b3e', description: 'MQTT password, shown once' }) token!: string;
}

@ApiSchema({ name: 'DevicePage', description: 'A page of devices, oldest first' })
export class DevicePageView {
  @ApiProperty({ type: DeviceView, isArray: true, description: 'The devices of this page' }) items!: DeviceView[];
  @ApiProperty({ type: 'integer', example: 0, description: '0-based page' }) page!: number;
  @ApiProperty({ type: 'integer', example: 50, description: 'Page size' }) size!: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Devices matching the query' }) total!: number;
}

@ApiSchema({
  name: 'TokenIssued',
  description: 'A new token for a device or agent (shown this once; the old one stops)',
})
export class TokenIssuedView {
  @ApiProperty({ example: 'pump-1', description: 'Device or agent id' }) id!: string;
  @ApiProperty({ example: 'dev_4f9c2a7b1e8d4c6a9b3e', description: 'The new MQTT password' }) token!: string;
}

@ApiSchema({ name: 'Agent', description: 'A fleet agent: one MQTT connection reporting for its devices' })
export class AgentView {
  @ApiProperty({ example: 'gateway-north', description: 'Agent id (its MQTT client id)' }) id!: string;
  @ApiProperty({ type: 'integer', example: 101, description: 'Organization ID' }) orgId!: number;
  @ApiProperty({ example: 'North site gateway', description: 'Display name' }) name!: string;
  @ms('Creation timestamp in milliseconds') createdAt!: number;
  @ms('Last change in milliseconds') updatedAt!: number;
}

@ApiSchema({ name: 'CreatedAgent', description: 'A new agent with its MQTT password (shown this once)' })
export class CreatedAgentView extends AgentView {
  @ApiProperty({ example: 'agt_7d1e9b3c5a2f4e8d6c0b', description: 'MQTT password, shown once' }) token!: string;
}

@ApiSchema({ name: 'AgentPage', description: 'A page of agents' })
export class AgentPageView {
  @ApiProperty({ type: AgentView, isArray: true, description: 'The agents of this page' }) items!: AgentView[];
  @ApiProperty({ type: 'integer', example: 0, description: '0-based page' }) page!: number;
  @ApiProperty({ type: 'integer', example: 50, description: 'Page size' }) size!: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Agents in all' }) total!: number;
}

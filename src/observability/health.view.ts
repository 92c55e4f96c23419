// What the health endpoints answer (the OpenAPI document's response schemas).
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'PartHealth', description: 'One part the gateway needs' })
export class PartHealthView {
  @ApiProperty({ enum: ['ok', 'failing'], example: 'ok', description: 'Whether it does its work' }) status!: string;
  @ApiPropertyOptional({ example: 'SQLITE_FULL: database or disk is full', description: 'Why it fails' })
  error?: string;
}

@ApiSchema({ name: 'MqttHealth', description: 'The embedded broker' })
export class MqttHealthView {
  @ApiProperty({ type: 'integer', example: 12, description: 'Open MQTT connections on this instance' })
  connections!: number;
}

@ApiSchema({ name: 'Health', description: 'Readiness: storage takes a write, Redis answers, MQTT listens' })
export class HealthView {
  @ApiProperty({ enum: ['ok', 'unavailable'], example: 'ok', description: 'ok, or unavailable (with a 503)' })
  status!: string;
  @ApiProperty({ enum: ['sqlite', 'mongo'], example: 'sqlite', description: 'The storage driver' }) storage!: string;
  @ApiProperty({ type: MqttHealthView, description: 'The embedded broker' }) mqtt!: MqttHealthView;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/PartHealth' },
    example: { storage: { status: 'ok' }, mqtt: { status: 'ok' } },
    description: 'Each part by name',
  })
  checks!: Record<string, PartHealthView>;
  @ApiPropertyOptional({ example: 'storage: SQLITE_FULL', description: 'When unavailable: the failing parts, why' })
  message?: string;
}

@ApiSchema({ name: 'Live', description: 'Liveness' })
export class LiveView {
  @ApiProperty({ enum: ['ok'], example: 'ok', description: 'The process answers' }) status!: string;
}

import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { GatewayMetrics } from './gateway-metrics.js';
import { STORAGE_HEALTH, type StorageHealth } from './storage-health.js';

@Controller()
export class ObservabilityController {
  constructor(
    private readonly metrics: GatewayMetrics,
    @Inject(STORAGE_HEALTH) private readonly storage: StorageHealth,
  ) {}

  /** Liveness and readiness: storage answers; the MQTT figure is the broker's open connections. */
  @Get('health')
  async health(): Promise<{ status: string; storage: string; mqtt: { connections: number } }> {
    await this.storage.ping();
    return { status: 'ok', storage: this.storage.driver, mqtt: { connections: this.metrics.openConnections() } };
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

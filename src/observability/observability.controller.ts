import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { GatewayMetrics } from './gateway-metrics.js';
import { BrokerService } from '../broker/broker.service.js';
import { STORAGE, type StorageDriver } from '../storage/ports.js';

@Controller()
export class ObservabilityController {
  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly broker: BrokerService,
    @Inject(STORAGE) private readonly storage: StorageDriver,
  ) {}

  /** Liveness and readiness: the broker listens and storage answers. */
  @Get('health')
  async health(): Promise<{ status: string; storage: string; mqtt: { connections: number } }> {
    await this.storage.organizations.count();
    return { status: 'ok', storage: this.storage.name, mqtt: { connections: this.broker.connectedClients } };
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

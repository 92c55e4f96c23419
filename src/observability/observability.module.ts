import { Global, Module } from '@nestjs/common';
import { GatewayMetrics } from './gateway-metrics.js';
import { ObservabilityController } from './observability.controller.js';

/** Prometheus metrics (every feature counts into them, so global), /metrics and /health. */
@Global()
@Module({ controllers: [ObservabilityController], providers: [GatewayMetrics], exports: [GatewayMetrics] })
export class ObservabilityModule {}

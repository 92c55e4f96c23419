import { Global, Module } from '@nestjs/common';
import { ActivitySummary } from './activity-summary.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { ObservabilityController } from './observability.controller.js';
import { Readiness } from './readiness.js';

/** Prometheus metrics (every feature counts into them, so global), /metrics, /health/live and /health/ready. */
@Global()
@Module({
  controllers: [ObservabilityController],
  providers: [GatewayMetrics, Readiness, ActivitySummary],
  exports: [GatewayMetrics, ActivitySummary, Readiness],
})
export class ObservabilityModule {}

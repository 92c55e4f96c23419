import { Global, Module } from '@nestjs/common';
import { ActivitySummary } from './activity-summary.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { ObservabilityController } from './observability.controller.js';
import { Readiness } from './readiness.js';
import { StopReport } from './stop-report.js';

/**
 * Prometheus metrics (every feature counts into them, so global), /metrics, /health/live and /health/ready, and
 * the stop's report of what was not written.
 */
@Global()
@Module({
  controllers: [ObservabilityController],
  providers: [GatewayMetrics, Readiness, ActivitySummary, StopReport],
  exports: [GatewayMetrics, ActivitySummary, Readiness, StopReport],
})
export class ObservabilityModule {}

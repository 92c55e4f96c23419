import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthView, LiveView, PartHealthView } from './health.view.js';
import type { Response } from 'express';
import { GatewayMetrics } from './gateway-metrics.js';
import { type PartHealth, Readiness } from './readiness.js';
import { STORAGE_HEALTH, type StorageHealth } from './storage-health.js';

interface ReadyBody {
  status: 'ok' | 'unavailable';
  storage: string;
  mqtt: { connections: number };
  checks: Record<string, PartHealth>;
  /** When unavailable: the failing parts and why, in one line. */
  message?: string;
}

@ApiTags('observability')
@ApiExtraModels(PartHealthView)
@Controller()
export class ObservabilityController {
  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly readiness: Readiness,
    @Inject(STORAGE_HEALTH) private readonly storage: StorageHealth,
  ) {}

  /** Liveness: the process answers (nothing else is asked, so a store outage never gets it restarted). */
  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: LiveView })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 503 naming the failing part while storage, Redis or the broker cannot do their work. */
  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: storage takes a write, Redis answers, MQTT listens (503 naming what fails)' })
  @ApiOkResponse({ type: HealthView })
  @ApiResponse({
    status: 503,
    type: HealthView,
    description: 'Not ready: the failing parts named in checks and message',
  })
  ready(@Res({ passthrough: true }) res: Response): Promise<ReadyBody> {
    return this.report(res);
  }

  /** The readiness answer, under its old name; the MQTT figure is the broker's open connections. */
  @Get('health')
  @ApiOperation({ summary: 'Readiness, as /health/ready (its old name)' })
  @ApiOkResponse({ type: HealthView })
  @ApiResponse({
    status: 503,
    type: HealthView,
    description: 'Not ready: the failing parts named in checks and message',
  })
  health(@Res({ passthrough: true }) res: Response): Promise<ReadyBody> {
    return this.report(res);
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'Prometheus text format' })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  private async report(res: Response): Promise<ReadyBody> {
    const { ready, checks } = await this.readiness.check();
    const body: ReadyBody = {
      status: ready ? 'ok' : 'unavailable',
      storage: this.storage.driver,
      mqtt: { connections: this.metrics.openConnections() },
      checks,
    };
    if (!ready) {
      res.status(503);
      body.message = Object.entries(checks)
        .filter(([, c]) => c.status === 'failing')
        .map(([name, c]) => `${name}: ${c.error}`)
        .join('; ');
    }
    return body;
  }
}

import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config.js';
import { GatewayMetrics } from './gateway-metrics.js';

/** A source of one summary line: what happened since it was last asked, or null when nothing did. */
export type SummarySource = () => string | null;

/**
 * Periodic `info` lines that say what the gateway is doing without a line per message or per callback:
 * each feature registers a source (deliveries per outcome, MQTT connections, inbound calls), and every
 * LOG_SUMMARY_MS the lines of those with something to say are logged — once more at a stop, for the last part.
 */
@Injectable()
export class ActivitySummary implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('activity');
  private readonly sources: SummarySource[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: GatewayConfig,
    metrics: GatewayMetrics,
  ) {
    this.add(() => metrics.connectionSummary());
  }

  add(source: SummarySource): void {
    this.sources.push(source);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.flush(), this.config.LOG_SUMMARY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }

  private flush(): void {
    for (const take of this.sources) {
      const line = take();
      if (line) this.logger.log(line);
    }
  }
}

/** "3 delivered, 1 failed" from counts, the zero ones left out; null when all are zero. */
export function countsLine(counts: Record<string, number>): string | null {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${n} ${what}`);
  return parts.length ? parts.join(', ') : null;
}

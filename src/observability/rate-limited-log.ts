import type { Logger } from '@nestjs/common';
import type { StopReport } from './stop-report.js';

/** Errors a background writer repeats while storage fails (every retry, every beat): a few a minute each. */
export const REPEATING_ERRORS_PER_MINUTE = 3;

/**
 * The log of a background writer's failures (write-behinds, outbox, claims, presence, change log, Redis
 * clients): REPEATING_ERRORS_PER_MINUTE per key, and nothing once `stop` began (its one line says what
 * was not written: observability/stop-report.ts).
 */
export function backgroundErrors(logger: Logger, stop: StopReport): RateLimitedLog {
  return new RateLimitedLog(logger, REPEATING_ERRORS_PER_MINUTE, stop);
}

/**
 * Lines that can come in floods (connections, refused logins, failed deliveries): at most `perMinute` per
 * key each minute; the rest are counted and reported in one line when the next minute's first line is written.
 */
export class RateLimitedLog {
  private readonly windows = new Map<string, { start: number; written: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly perMinute = 20,
    /** Quiet once this stop began (background writers: the stop's report says it). */
    private readonly quietWhile: Pick<StopReport, 'stopping'> | null = null,
  ) {}

  info(key: string, message: string): void {
    if (this.allow(key)) this.logger.log(message);
  }

  /** At debug, limited like the others (a connect burst at debug level still floods). */
  debug(key: string, message: string): void {
    if (this.allow(key)) this.logger.debug(message);
  }

  /** `debug` with the line built by `line(arg)` only when it is let through (no string, no closure otherwise). */
  debugWith<A>(key: string, line: (arg: A) => string, arg: A): void {
    if (this.allow(key)) this.logger.debug(line(arg));
  }

  warn(key: string, message: string): void {
    if (this.allow(key)) this.logger.warn(message);
  }

  error(key: string, message: string): void {
    if (this.allow(key)) this.logger.error(message);
  }

  /** The lines held back so far, in one line per key (a stop says what it did not print). */
  flushSuppressed(): void {
    for (const [key, w] of this.windows)
      if (w.suppressed) this.logger.warn(`${w.suppressed} more "${key}" lines suppressed`);
    this.windows.clear();
  }

  private allow(key: string): boolean {
    if (this.quietWhile?.stopping) return false;
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= 60_000) {
      if (w?.suppressed) this.logger.warn(`${w.suppressed} more "${key}" lines suppressed in the last minute`);
      if (this.windows.size > 10_000) this.windows.clear();
      this.windows.set(key, (w = { start: now, written: 0, suppressed: 0 }));
    }
    if (w.written >= this.perMinute) {
      w.suppressed++;
      return false;
    }
    w.written++;
    return true;
  }
}

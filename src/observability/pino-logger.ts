import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** Nest's own start-up chatter (module loading, every mapped route, "successfully started"): debug, not info. */
const NOISY_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestMicroservice',
]);

export type LogFormat = 'auto' | 'json' | 'pretty';

/** Readable lines on a terminal (pino-pretty, in-process and synchronous), JSON lines otherwise. */
function destination(format: LogFormat): DestinationStream | undefined {
  const readable = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  if (!readable) return undefined;
  return pretty({
    sync: true,
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}

/** Nest's logger interface over pino: level from LOG_LEVEL, format from LOG_FORMAT. */
export class PinoLogger implements LoggerService {
  readonly pino: Logger;
  constructor(level: string, format: LogFormat = 'auto') {
    this.pino = pino({ level, base: undefined }, destination(format));
  }
  log(message: unknown, context?: string) {
    if (context && NOISY_CONTEXTS.has(context)) this.pino.debug({ context }, String(message));
    else this.pino.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.pino.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.pino.trace({ context }, String(message));
  }
}

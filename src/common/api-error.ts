import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { RateLimitedLog, REPEATING_ERRORS_PER_MINUTE } from '../observability/rate-limited-log.js';
import { storageFault } from './storage-fault.js';

/** One invalid field of a request: its path in the body or query (`dataTrigger.condition.value`), and why. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * An error with the REST body of docs/architecture.md §7: `{"error": {"message", "code"}}`; a 400 about the request's
 * fields adds `fields: [{path, message}]`, every invalid field of the request at once.
 */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super({ error: fields ? { message, code, fields } : { message, code } }, status);
  }
  static notFound(what: string): ApiError {
    return new ApiError(404, 'NotFound', `${what} not found or access denied`);
  }
  static conflict(message: string): ApiError {
    return new ApiError(409, 'Conflict', message);
  }
  /** A 400 about one field, named first in the message ("url must …", "headers.X-A: …"). */
  static badRequest(message: string, code = 'ValidationError'): ApiError {
    const path = FIELD_FIRST.exec(message)?.[1];
    return new ApiError(400, code, message, path ? [{ path, message }] : undefined);
  }
  /** Every invalid field of one request in one 400; the message joins theirs (as it always read). */
  static invalid(fields: FieldError[], code = 'ValidationError'): ApiError {
    return new ApiError(400, code, fields.map((f) => f.message).join('; '), fields);
  }
}

/**
 * A message that starts with a field path (`name`, `dataTrigger.condition.value`, `headers.X-Api-Key`) and then
 * says what is wrong with it ("… must", "… is", "…:"), not a sentence that merely starts with a word.
 */
const FIELD_FIRST = /^([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9_-]+)*)(?=:| (?:must|is|are|applies|or|and|keys|cannot|\{))/;

/**
 * Runs independent checks of one request and throws one 400 naming every field that failed (a form shows each
 * at its input), instead of the first failure only. Anything but a 400 ApiError is thrown as it comes.
 */
export async function checkAll(checks: (() => void | Promise<void>)[]): Promise<void> {
  const failed: ApiError[] = [];
  for (const check of checks) {
    try {
      await check();
    } catch (e) {
      if (!(e instanceof ApiError) || e.getStatus() !== 400) throw e;
      failed.push(e);
    }
  }
  if (failed.length === 1) throw failed[0];
  if (failed.length > 1) {
    const fields = failed.flatMap((e) => e.fields ?? [{ path: '', message: messageOf(e) }]);
    throw ApiError.invalid(fields, failed[0].code);
  }
}

const messageOf = (e: ApiError) => (e.getResponse() as { error: { message: string } }).error.message;

const CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
};

/** Status, message and code (and the invalid fields, if known) of anything thrown while serving a request. */
export function describeError(exception: unknown): {
  status: number;
  message: string;
  code: string;
  fields?: FieldError[];
} {
  if (exception instanceof ApiError) {
    const { error } = exception.getResponse() as { error: { message: string; code: string; fields?: FieldError[] } };
    return { status: exception.getStatus(), ...error };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse() as { message?: string | string[] } | string;
    const raw = typeof body === 'string' ? body : (body.message ?? exception.message);
    const message = Array.isArray(raw) ? raw.join('; ') : raw;
    return { status, message, code: status === 400 ? 'ValidationError' : (CODES[status] ?? 'Error') };
  }
  const fault = storageFault(exception);
  if (fault?.code === 'ConfigurationError') return { status: 503, message: fault.message, code: fault.code };
  if (fault)
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      message: `storage unavailable: ${fault.message}; the request was not completed, retry later`,
      code: 'StorageUnavailable',
    };
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'internal server error', code: 'InternalError' };
}

/** A full disk fails every request: their lines share one limit per logger and cause. */
// eslint-disable-next-line no-restricted-syntax -- keyed by the caller's logger: per-instance state, held weakly
const storageFaultLogs = new WeakMap<Logger, RateLimitedLog>();

/** Every 5xx is logged with its cause: the stack of an unexpected error, the reason of a deliberate one. */
export function logServerError(logger: Logger, exception: unknown): void {
  const { status, message, code } = describeError(exception);
  if (status < 500) return;
  if (storageFault(exception)) {
    let log = storageFaultLogs.get(logger);
    if (!log) storageFaultLogs.set(logger, (log = new RateLimitedLog(logger, REPEATING_ERRORS_PER_MINUTE)));
    return log.error(`http:${code}`, `${status} ${code}: ${message}`);
  }
  logger.error(
    exception instanceof ApiError
      ? `${status} ${code}: ${message}`
      : exception instanceof Error
        ? exception.stack
        : String(exception),
  );
}

/** Every error leaves in the same shape, whatever threw it. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  protected readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, message, code, fields } = describeError(exception);
    logServerError(this.logger, exception);
    res.status(status).json({ error: fields ? { message, code, fields } : { message, code } });
  }
}

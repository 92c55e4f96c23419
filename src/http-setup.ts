import { type ArgumentsHost, Catch, type INestApplication } from '@nestjs/common';
import helmet from 'helmet';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ApiError, ApiErrorFilter, logServerError } from './common/api-error.js';
import { FieldValidationPipe } from './common/field-validation.pipe.js';
import { jsonDepthExceeds, tooDeep } from './common/json-limits.js';
import { losantError } from './inbound/losant-webhooks.controller.js';
import { serveOpenApi } from './openapi.js';
import { BOLD_HEADERS, boldError } from './webhooks/bold/bold-webhooks.controller.js';

type ErrorShape = (exception: unknown) => { status: number; body: unknown };

/** Each seed's path family answers errors in its own shape (Bold's, Losant's); every other path in ours. */
const SHAPES: [RegExp, ErrorShape][] = [
  [/^\/v2(\/|$)/, boldError],
  [/^\/applications(\/|$)/, losantError],
];
const shapeOf = (path: string): ErrorShape | undefined => SHAPES.find(([re]) => re.test(path))?.[1];
const BOLD_PATH = /^\/v2(\/|$)/;

/**
 * Security headers on every response, /docs and errors included (helmet: the maintained Express middleware for
 * them). The API and /docs may not be framed (clickjacking) nor sniffed; the console and the inbound endpoint
 * set a stricter CSP of their own over this one, Bold's paths Bold's own headers. No HSTS: the gateway is often
 * reached over plain HTTP on a LAN, where a browser ignores it, and behind a TLS proxy that sets its own.
 */
const SECURITY_HEADERS = helmet({
  contentSecurityPolicy: {
    directives: { 'frame-ancestors': ["'none'"], 'upgrade-insecure-requests': null },
  },
  crossOriginEmbedderPolicy: false,
  frameguard: { action: 'deny' },
  strictTransportSecurity: false,
});

/** The global filter: errors no controller filter caught (unknown routes, guards) in their family's shape. */
@Catch()
class FamilyErrorFilter extends ApiErrorFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const shape = shapeOf(req.path);
    if (!shape) return super.catch(exception, host);
    logServerError(this.logger, exception);
    const { status, body } = shape(exception);
    host.switchToHttp().getResponse<Response>().status(status).json(body);
  }
}

/** A body the parser refused (bad JSON, too deep, too large) as a 4xx in the path family's shape, never a 500. */
function refuseBody(req: Request, res: Response, err: { status?: number; type?: string; message?: string }): void {
  const error = err instanceof ApiError ? err : bodyError(err);
  const status = error.getStatus();
  const shape = shapeOf(req.path);
  if (shape) {
    const { body } = shape(error);
    res.status(status).json(body);
  } else res.status(status).json(error.getResponse());
}

function bodyError(err: { status?: number; type?: string; message?: string }): ApiError {
  const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
  const what = err.type === 'entity.parse.failed' ? 'request body is not valid JSON' : 'request body refused';
  return new ApiError(status, status === 413 ? 'PayloadTooLarge' : 'InvalidBody', `${what}: ${err.message}`);
}

/** The HTTP edge every route shares: body parsers, DTO validation, one error shape per family, OpenAPI at /docs. */
export function setUpHttp(app: INestApplication): void {
  app.use(SECURITY_HEADERS);
  // Bold's security and CORS headers on every /v2 response, errors and unknown routes included.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (BOLD_PATH.test(req.path)) res.set(BOLD_HEADERS);
    next();
  });
  // JSON and forms everywhere except the inbound endpoint, which reads its own body (any type, its own limit).
  const inbound = (req: Request) => req.path.startsWith('/webhooks/');
  // JSON nesting is checked on the raw bytes before parsing (a 400, where deep values used to end in a 500).
  const json = express.json({
    verify: (_req, _res, buf) => {
      if (jsonDepthExceeds(buf)) throw tooDeep();
    },
  });
  for (const parser of [json, express.urlencoded({ extended: true })]) {
    app.use((req: Request, res: Response, next: NextFunction) =>
      inbound(req) ? next() : parser(req, res, (err?: unknown) => (err ? refuseBody(req, res, err as never) : next())),
    );
  }
  // Every invalid field of a request at once, with its path (`error.fields`, README "Errors").
  app.useGlobalPipes(new FieldValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new FamilyErrorFilter());
  serveOpenApi(app);
}

import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ApiErrorFilter } from './common/api-error.js';
import { bodyParserErrors, jsonDepthExceeds, tooDeep } from './common/json-limits.js';

/** The HTTP edge every route shares: body parsers, DTO validation, one error shape, OpenAPI at /docs. */
export function setUpHttp(app: INestApplication): void {
  // JSON and forms everywhere except the inbound endpoint, which reads its own body (any type, its own limit).
  const inbound = (req: Request) => req.path.startsWith('/webhooks/');
  // JSON nesting is checked on the raw bytes before parsing (a 400, where deep values used to end in a 500).
  const json = express.json({
    verify: (_req, _res, buf) => {
      if (jsonDepthExceeds(buf)) throw tooDeep();
    },
  });
  for (const parser of [json, express.urlencoded({ extended: true })]) {
    app.use((req: Request, res: Response, next: NextFunction) => (inbound(req) ? next() : parser(req, res, next)));
  }
  app.use(bodyParserErrors);
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new ApiErrorFilter());
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Device gateway').setVersion('1').addBearerAuth().build(),
  );
  // scarfSettings: swagger-ui's usage telemetry stays off.
  SwaggerModule.setup('docs', app, doc, {
    swaggerUiEnabled: true,
    ...({ scarfSettings: { enabled: false } } as object),
  } as never);
}

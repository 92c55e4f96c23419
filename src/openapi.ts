import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** The OpenAPI document: Swagger UI at /docs, the JSON at /docs-json. */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Device gateway').setVersion('1').addBearerAuth().build(),
  );
}

export function serveOpenApi(app: INestApplication): void {
  // scarfSettings: swagger-ui's usage telemetry stays off.
  SwaggerModule.setup('docs', app, buildOpenApi(app), {
    swaggerUiEnabled: true,
    ...({ scarfSettings: { enabled: false } } as object),
  } as never);
}

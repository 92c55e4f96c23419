import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ERROR_MODELS } from './common/api-error.view.js';
import { INBOUND_PATHS } from './inbound/inbound-endpoint.openapi.js';

type Operation = {
  summary?: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, Media> };
  responses: Record<string, { description?: string; content?: Record<string, Media> }>;
};
type Parameter = { name: string; in: string; schema?: { type?: string } & Record<string, unknown> };

const BLYNK = '/api/v1/organization';
const ERRORS: Record<string, string> = {
  '400': 'Bad request: the message names the field and the rule',
  '401': 'Missing, unknown or revoked API token',
  '403': 'The token lacks the scope',
  '404': 'Not found or access denied (another organization answers the same)',
  '429': "Over the organization's API rate (Retry-After says when to retry)",
};
const ORG_ID = {
  name: 'orgId',
  in: 'query',
  required: false,
  schema: { type: 'integer' },
  description: "A sub-organization of the token's (needs all.Organization); default: the token's organization",
};
const errorSchemaOf = (path: string) =>
  path.startsWith('/v2/') ? 'BoldError' : path.startsWith('/applications/') ? 'LosantError' : 'Error';

/**
 * The OpenAPI document: Nest's scan of the controllers, DTOs and response classes (the one source of the
 * schemas), plus the rules that hold for every route and would otherwise be repeated on each — the error
 * responses in each API family's shape, orgId on Blynk paths, integer ids — a composed example for every body
 * without one, and the inbound endpoint (inbound-endpoint.openapi.ts). Swagger UI at /docs, JSON at /docs-json.
 */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Device gateway')
      .setVersion('1')
      .setDescription('Blynk, Kobiton, Bold and Losant webhook APIs over an embedded MQTT broker.')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque API token' })
      .build(),
    { extraModels: ERROR_MODELS },
  );
  Object.assign(doc.paths, INBOUND_PATHS);
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      if (method === 'parameters') continue;
      complete(method, path, op);
      addExamples(op, schemas);
    }
  }
  return doc;
}

type Schema = {
  $ref?: string;
  example?: unknown;
  default?: unknown;
  enum?: unknown[];
  type?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  oneOf?: Schema[];
};
type Media = { schema?: Schema; example?: unknown; examples?: unknown };

/**
 * A body's example, composed from its fields' examples (the decorators' `example`, else an enum's first value or
 * the default): each example is written once, on its field, and every request and response using it shows it.
 */
export function exampleOf(s: Schema | undefined, schemas: Record<string, Schema>, depth = 0): unknown {
  if (!s || depth > 8) return undefined;
  if (s.example !== undefined) return s.example;
  if (s.$ref) return exampleOf(schemas[s.$ref.split('/').pop()!], schemas, depth + 1);
  if (s.allOf) {
    const parts = s.allOf.map((x) => exampleOf(x, schemas, depth + 1));
    return parts.every((x) => x && typeof x === 'object') ? Object.assign({}, ...parts) : undefined;
  }
  if (s.oneOf) return exampleOf(s.oneOf[0], schemas, depth + 1);
  if (s.enum?.length) return s.enum[0];
  if (s.default !== undefined) return s.default;
  if (s.type === 'array') {
    const item = exampleOf(s.items, schemas, depth + 1);
    return item === undefined ? undefined : [item];
  }
  if (!s.properties) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(s.properties)) {
    const value = exampleOf(prop, schemas, depth + 1);
    if (value !== undefined) out[name] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

function addExamples(op: Operation, schemas: Record<string, Schema>): void {
  const media: Media[] = Object.values(op.requestBody?.content ?? {});
  for (const [status, response] of Object.entries(op.responses))
    if (status.startsWith('2')) media.push(...Object.values(response.content ?? {}));
  for (const m of media) {
    if (m.example !== undefined || m.examples) continue;
    const example = exampleOf(m.schema, schemas);
    if (example !== undefined) m.example = example;
  }
}

function complete(method: string, path: string, op: Operation): void {
  const params = (op.parameters ??= []);
  for (const p of params) {
    // Nest types a ParseIntPipe id as "number"; ids and page numbers are integers.
    if (
      p.schema &&
      (p.schema.type === 'number' || (p.in === 'query' && !p.schema.type && /^(page|size)$/.test(p.name)))
    )
      p.schema.type = 'integer';
  }
  if (path.startsWith(BLYNK) && !params.some((p) => p.name === 'orgId')) params.push(ORG_ID);
  if (method === 'options') op.security = []; // a CORS preflight carries no token
  if (op.security?.length === 0 || path.startsWith('/health') || path === '/metrics') return; // public: no token
  const ref = { $ref: `#/components/schemas/${errorSchemaOf(path)}` };
  for (const [status, description] of Object.entries(ERRORS))
    op.responses[status] ??= { description, content: { 'application/json': { schema: ref } } };
}

export function serveOpenApi(app: INestApplication): void {
  // scarfSettings: swagger-ui's usage telemetry stays off.
  SwaggerModule.setup('docs', app, buildOpenApi(app), {
    swaggerUiEnabled: true,
    ...({ scarfSettings: { enabled: false } } as object),
  } as never);
}

// What the decorators cannot say for every route: a summary and a response schema per operation, the query
// parameters of DTOs without Swagger decorators, the routes Nest does not describe (the inbound endpoint,
// /metrics) and the resource schemas. openapi.ts applies it to the generated document.

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const int = { type: 'integer' };
const str = { type: 'string' };
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
});
export const SCHEMAS: Record<string, Schema> = {
  Error: obj(
    {
      error: obj(
        {
          message: str,
          code: str,
          fields: {
            type: 'array',
            description: 'a 400 about the request: every invalid field at once, with its path',
            items: obj({ path: { ...str, example: 'dataTrigger.condition.value' }, message: str }, ['path', 'message']),
          },
        },
        ['message', 'code'],
      ),
    },
    ['error'],
  ),
  BoldError: obj({ message: str, code: str, errorMessage: str, errorCode: str }, ['message', 'code']),
  LosantError: obj({ type: str, message: str }, ['type', 'message']),
  Health: obj(
    {
      status: str,
      storage: str,
      mqtt: obj({ connections: int }),
      checks: { type: 'object', additionalProperties: obj({ status: str, error: str }, ['status']) },
      message: str,
    },
    ['status'],
  ),
  Live: obj({ status: str }, ['status']),
  InboundAnswer: { description: "{success: true}, or the device's reply" },
  CommandSent: { type: 'object', additionalProperties: true },
};

/** Summary and success schema of each operation, by "METHOD /path" (null: no body). */
export const OPERATIONS: Record<string, [string, string | null]> = {
  'get /health': ['Readiness, as /health/ready (its old name)', 'Health'],
  'get /health/ready': [
    'Readiness: storage takes a write, Redis answers, MQTT listens (503 naming what fails)',
    'Health',
  ],
  'get /health/live': ['Liveness: the process answers', 'Live'],
  'get /metrics': ['Prometheus metrics', null],
  'post /api/v1/organization/devices/{id}/downlink/{path}': ['Send a command to a device', 'CommandSent'],
};

const q = (name: string, schema: Schema, description?: string) => ({
  name,
  in: 'query',
  required: false,
  schema,
  ...(description ? { description } : {}),
});

/** Query parameters of DTOs that carry no Swagger decorators. */
export const QUERY_PARAMS: Record<string, Schema[]> = {
  'post /api/v1/organization/devices/{id}/downlink/{path}': [
    q('qos', { type: 'integer', enum: [0, 1], default: 1 }),
    q('retain', { type: 'boolean', default: false }),
    q('waitForReply', { type: 'boolean', default: false }),
  ],
};

const anyBody = { content: { '*/*': { schema: {} } } };
const inboundOperation = (summary: string) => ({
  tags: ['inbound webhooks'],
  summary,
  security: [],
  requestBody: { required: false, ...anyBody },
  responses: {
    '200': { description: "{success: true} with the webhook's responseCode, or the device's reply", ...anyBody },
    '401': { description: 'basic authentication required', content: { 'application/json': { schema: ref('Error') } } },
    '403': { description: 'webhook disabled', content: { 'application/json': { schema: ref('Error') } } },
    '404': { description: 'no webhook with this token', content: { 'application/json': { schema: ref('Error') } } },
    '429': { description: 'over 100 calls in 10 s', content: { 'application/json': { schema: ref('Error') } } },
  },
});
const tokenParam = { name: 'token', in: 'path', required: true, schema: { type: 'string' } };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const inboundPath = (withSub: boolean) => ({
  parameters: [
    tokenParam,
    ...(withSub
      ? [{ name: 'path', in: 'path', required: true, schema: { type: 'string' }, description: 'sub-path' }]
      : []),
  ],
  ...Object.fromEntries(
    METHODS.map((m) => [m, inboundOperation(`Inbound call (${m.toUpperCase()}), published to the target`)]),
  ),
});

/** Routes outside Nest's Swagger scan: the inbound endpoint (any method) and the Prometheus scrape. */
export const EXTRA_PATHS: Record<string, Schema> = {
  '/webhooks/{token}': inboundPath(false),
  '/webhooks/{token}/{path}': inboundPath(true),
  '/metrics': {
    get: {
      tags: ['observability'],
      summary: OPERATIONS['get /metrics'][0],
      security: [],
      responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: str } } } },
    },
  },
};

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
  BoldCreated: obj({ id: int, secretHmac: str }, ['id', 'secretHmac']),
  BoldSubscription: obj(
    {
      id: int,
      organizationId: int,
      deviceIds: { type: 'array', items: int },
      deviceGroupIds: { type: 'array', items: int },
      webhookUrl: str,
      topics: { type: 'array', items: str },
    },
    ['id', 'organizationId', 'webhookUrl', 'topics'],
  ),
  BoldSubscriptionList: { type: 'array', items: ref('BoldSubscription') },
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
  'options /v2/webhooks': ['CORS preflight (Bold)', null],
  'post /v2/webhooks': ["Create a webhook subscription (Bold's request)", 'BoldCreated'],
  'get /v2/webhooks': ["The organization's Bold subscriptions", 'BoldSubscriptionList'],
  'options /v2/webhooks/{id}': ['CORS preflight (Bold)', null],
  'get /v2/webhooks/{id}': ['One Bold subscription', 'BoldSubscription'],
  'put /v2/webhooks/{id}': ["Replace a subscription (the POST's body; the HMAC secret stays)", 'BoldSubscription'],
  'delete /v2/webhooks/{id}': ['Delete a subscription', null],
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

// The one part of the OpenAPI document the decorators cannot say: the inbound endpoint is a single @All route
// on two patterns (/webhooks/:token and /webhooks/:token/*path) taking any body and answering either
// {success: true} or the device's own reply — Nest's scan would list it under every HTTP verb with neither.
// openapi.ts adds these paths, documented for the methods callers use.

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const anyBody = { content: { '*/*': { schema: { description: 'Any body, published as it came' } } } };

const operation = (method: string) => ({
  tags: ['inbound webhooks'],
  summary: `Inbound call (${method.toUpperCase()}), published to the webhook's target`,
  security: [],
  requestBody: { required: false, ...anyBody },
  responses: {
    '200': {
      description: "{success: true} with the webhook's responseCode, or the device's reply (waitForReply)",
      content: {
        'application/json': { schema: { type: 'object', additionalProperties: true }, example: { success: true } },
      },
    },
    '401': error('basic authentication required'),
    '403': error('webhook disabled'),
    '404': error('no webhook with this token'),
    '429': error('over 100 calls in 10 s'),
  },
});

const path = (withSub: boolean) => ({
  parameters: [
    { name: 'token', in: 'path', required: true, schema: { type: 'string' }, description: "The webhook's token" },
    ...(withSub
      ? [{ name: 'path', in: 'path', required: true, schema: { type: 'string' }, description: 'sub-path' }]
      : []),
  ],
  ...Object.fromEntries(['get', 'post', 'put', 'patch', 'delete'].map((m) => [m, operation(m)])),
});

export const INBOUND_PATHS = { '/webhooks/{token}': path(false), '/webhooks/{token}/{path}': path(true) };

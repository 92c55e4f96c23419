import { readFileSync, writeFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import openapiTS, { astToString } from 'openapi-typescript';
import { startTestGateway, type TestGateway } from './support/harness.js';

// The OpenAPI document at /docs-json: valid by an OpenAPI validator, and complete — every mapped route, a
// summary, a response schema and error responses per operation, orgId on Blynk paths, integer ids.
type Media = { schema?: unknown; example?: unknown; examples?: unknown };
type Operation = {
  summary?: string;
  tags?: string[];
  requestBody?: { content?: Record<string, Media> };
  parameters?: { name: string; in: string; schema?: { type?: string } }[];
  responses: Record<string, { content?: Record<string, Media> }>;
  security?: unknown[];
};
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options'];

/** Every route express has mapped, as OpenAPI paths: `:id` → `{id}`, `*path` → `{path}`. */
function mappedRoutes(gw: TestGateway): [string, string][] {
  const router = (gw.app.getHttpAdapter().getInstance() as { router: { stack: { route?: any }[] } }).router;
  const out: [string, string][] = [];
  for (const layer of router.stack) {
    if (!layer.route) continue;
    const path = (layer.route.path as string).replace(/:(\w+)/g, '{$1}').replace(/\*(\w+)/g, '{$1}');
    if (path.startsWith('/docs') || path.startsWith('/console')) continue; // neither is part of the API
    const methods = Object.keys(layer.route.methods as object);
    // An @All route (the inbound endpoint) is documented for the methods callers use.
    for (const m of methods.length > 10 ? ['get', 'post', 'put', 'patch', 'delete'] : methods) out.push([m, path]);
  }
  return out;
}

describe('OpenAPI document', () => {
  let gw: TestGateway;
  let doc: { paths: Record<string, Record<string, Operation>>; components: any };
  beforeAll(async () => {
    gw = await startTestGateway();
    doc = (await gw.http().get('/docs-json').expect(200)).body;
  });
  afterAll(() => gw.stop());

  it('is a valid OpenAPI document', async () => {
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every mapped route, with a summary and a success schema', () => {
    const routes = mappedRoutes(gw);
    expect(routes.length).toBeGreaterThan(50);
    const missing = routes.filter(([m, p]) => !doc.paths[p]?.[m]).map(([m, p]) => `${m} ${p}`);
    expect(missing).toEqual([]);
    for (const [m, p] of routes) {
      const op = doc.paths[p][m];
      expect([m, p, typeof op.summary]).toEqual([m, p, 'string']);
      const [status, response] = Object.entries(op.responses).find(([s]) => s.startsWith('2'))!;
      if (status !== '204' && m !== 'options') expect([m, p, Boolean(response.content)]).toEqual([m, p, true]);
    }
    for (const [p, item] of Object.entries(doc.paths))
      for (const m of Object.keys(item).filter((k) => METHODS.includes(k)))
        expect(routes.some(([rm, rp]) => rm === m && rp === p) || `${m} ${p} is not a route`).toBe(true);
  });

  it('gives error responses in each family\'s shape, orgId on Blynk paths, integer ids, no "JWT"', () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.bearer.bearerFormat).not.toBe('JWT');
    const errorRef = (op: Operation, status: string) =>
      (op.responses[status]?.content?.['application/json']?.schema as { $ref?: string })?.$ref;
    expect(errorRef(doc.paths['/api/v1/organization/webhooks'].get, '429')).toBe('#/components/schemas/Error');
    expect(errorRef(doc.paths['/v2/webhooks'].post, '400')).toBe('#/components/schemas/BoldError');
    expect(errorRef(doc.paths['/applications/{applicationId}/webhooks'].get, '404')).toBe(
      '#/components/schemas/LosantError',
    );
    for (const [p, item] of Object.entries(doc.paths)) {
      if (!p.startsWith('/api/v1/organization')) continue;
      for (const op of Object.values(item)) {
        expect([p, op.parameters?.some((x) => x.name === 'orgId' && x.in === 'query')]).toEqual([p, true]);
        for (const s of ['400', '401', '403', '404']) expect([p, s, Boolean(op.responses[s])]).toEqual([p, s, true]);
      }
    }
    const idOf = (p: string, m: string, name: string) =>
      doc.paths[p][m].parameters!.find((x) => x.name === name)!.schema!.type;
    expect(idOf('/api/v1/organization/webhooks/{id}', 'get', 'id')).toBe('integer');
    expect(idOf('/api/v1/organization/webhooks/{id}/deliveries/{deliveryId}', 'get', 'deliveryId')).toBe('integer');
    expect(idOf('/api/v1/organization/devices/{id}', 'get', 'id')).toBe('string');
    const deliveries = doc.paths['/api/v1/organization/webhooks/{id}/deliveries'].get.parameters!.map((x) => x.name);
    expect(deliveries).toEqual(expect.arrayContaining(['status', 'page', 'size', 'orgId']));
    expect(doc.paths['/webhooks/{token}'].post.security).toEqual([]);
  });

  it('shows an example of every JSON request body and 2xx response', () => {
    const ours = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.entries(item)
        .filter(([m]) => METHODS.includes(m))
        .map(([m, op]) => [`${m} ${p}`, op] as const),
    );
    expect(ours.length).toBeGreaterThan(60);
    const missing: string[] = [];
    for (const [key, op] of ours) {
      const bodies = Object.entries(op.requestBody?.content ?? {}).map(([type, media]) => ['request', type, media]);
      for (const [status, response] of Object.entries(op.responses))
        if (status.startsWith('2'))
          bodies.push(...Object.entries(response.content ?? {}).map(([type, media]) => [status, type, media]));
      for (const [what, type, media] of bodies as [string, string, Media][]) {
        if (!type.includes('json')) continue;
        if (media.example === undefined && !media.examples) missing.push(`${key} ${what}`);
        // A composed example shows every required field of the body (a field without one would fall out).
        const ref =
          (media.schema as { $ref?: string; items?: { $ref?: string } })?.$ref ?? (media.schema as any)?.items?.$ref;
        const example = Array.isArray(media.example) ? media.example[0] : media.example;
        const schema = ref && doc.components.schemas[ref.split('/').pop()!];
        for (const field of schema?.required ?? [])
          if (example && typeof example === 'object' && !(field in example)) missing.push(`${key} ${what} ${field}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('describes every field of every schema', () => {
    const undescribed: string[] = [];
    const walk = (where: string, schema: any): void => {
      for (const [name, prop] of Object.entries<any>(schema?.properties ?? {})) {
        // A $ref's own description sits beside it in allOf (Nest's way) or on the property.
        const described = prop.description || prop.allOf?.some((x: any) => x.description);
        if (!described) undescribed.push(`${where}.${name}`);
        walk(`${where}.${name}`, prop.items ?? prop);
      }
      for (const part of schema?.allOf ?? []) walk(where, part);
    };
    for (const name of Object.keys(doc.components.schemas)) walk(name, doc.components.schemas[name]);
    expect(undescribed).toEqual([]);
  });

  it('spells each tag one way, in lower case', () => {
    const tags = new Set(
      Object.values(doc.paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? [])),
    );
    const spellings = [...tags].map((t) => t.toLowerCase());
    expect(spellings.length).toBe(new Set(spellings).size);
    expect([...tags].every((t) => t === t.toLowerCase())).toBe(true);
  });

  // The console's API types (the schemas; the console names its paths itself) are generated from this document and
  // committed, so the console build needs no running gateway; a stale file fails here. UPDATE_API_TYPES=1 rewrites it.
  it("matches the console's generated API types (console/src/api-schema.d.ts)", async () => {
    const file = new URL('../console/src/api-schema.d.ts', import.meta.url);
    const generated =
      '// Generated from the OpenAPI document by test/openapi.spec.ts (UPDATE_API_TYPES=1 rewrites it). Do not edit.\n' +
      astToString(
        await openapiTS({ ...structuredClone(doc), paths: {} } as never, {
          alphabetize: true,
          defaultNonNullable: false,
        }),
      );
    if (process.env.UPDATE_API_TYPES) writeFileSync(file, generated);
    expect(readFileSync(file, 'utf8') === generated || 'stale: run UPDATE_API_TYPES=1 on this test').toBe(true);
  });
});

import type { Webhook } from '../../webhooks/webhook.model.js';
import type { RenderedRequest } from '../delivery.model.js';
import { defaultPayload, type EventContext, placeholders } from './placeholders.js';
import { renderJson, renderText, renderUrl } from './template.js';

const CONTENT_TYPE = {
  JSON: 'application/json',
  PLAIN_TEXT: 'text/plain; charset=utf-8',
  URL_ENCODED_FORM: 'application/x-www-form-urlencoded',
} as const;
const BODYLESS = new Set(['GET', 'DELETE']);

/** The callback for one matched event, rendered once (so every retry sends the same signed bytes). */
export function renderRequest(ctx: EventContext): RenderedRequest {
  const w: Webhook = ctx.webhook;
  const resolve = placeholders(ctx);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(w.headers)) headers[k] = renderText(v, resolve, true);
  const url = renderUrl(w.url, resolve);
  if (BODYLESS.has(w.method)) return { method: w.method, url, headers, body: '' };
  headers['content-type'] = CONTENT_TYPE[w.contentType];
  return { method: w.method, url, headers, body: renderBody(w, ctx, resolve) };
}

function renderBody(w: Webhook, ctx: EventContext, resolve: ReturnType<typeof placeholders>): string {
  switch (w.contentType) {
    case 'JSON':
      return w.body ? renderJson(w.body, resolve) : JSON.stringify(defaultPayload(ctx));
    case 'PLAIN_TEXT':
      return w.body ? renderText(w.body, resolve) : JSON.stringify(defaultPayload(ctx));
    case 'URL_ENCODED_FORM': {
      const fields: [string, string][] =
        Object.keys(w.formBody).length > 0
          ? Object.entries(w.formBody).map(([k, v]): [string, string] => [k, renderText(v, resolve)])
          : Object.entries(defaultPayload(ctx)).map(([k, v]): [string, string] => [
              k,
              typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? ''),
            ]);
      return new URLSearchParams(fields).toString();
    }
  }
}

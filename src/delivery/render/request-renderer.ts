import type { GatewayEvent } from '../../events/gateway-event.js';
import type { Webhook } from '../../webhooks/webhook.model.js';
import type { Delivery, MatchedEvent, RenderedRequest } from '../delivery.model.js';
import { defaultPayload, type EventContext, placeholders } from './placeholders.js';
import { renderJson, renderText, renderUrl } from './template.js';

const CONTENT_TYPE = {
  JSON: 'application/json',
  PLAIN_TEXT: 'text/plain; charset=utf-8',
  URL_ENCODED_FORM: 'application/x-www-form-urlencoded',
} as const;
const BODYLESS = new Set(['GET', 'DELETE']);

/**
 * The callback for one matched event under the webhook's configuration as it is now. A pure function of
 * (event, device snapshot, webhook, sentAt), so an attempt under an unchanged configuration sends the same bytes.
 * `sentAt` is Kobiton's `creationTime`: when the callback is sent.
 */
export function renderRequest(ctx: EventContext, sentAt: number): RenderedRequest {
  const w: Webhook = ctx.webhook;
  const resolve = placeholders(ctx);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(w.headers)) headers[k] = renderText(v, resolve, true);
  const url = renderUrl(w.url, resolve);
  if (BODYLESS.has(w.method)) return { method: w.method, url, headers, body: '' };
  headers['content-type'] = CONTENT_TYPE[w.contentType];
  return { method: w.method, url, headers, body: renderBody(w, ctx, resolve, sentAt) };
}

/** The request for a match (render/snapshot.ts) under `w` as it is now. */
export function renderMatched({ event, device, orgName }: MatchedEvent, w: Webhook, sentAt: number): RenderedRequest {
  return renderRequest({ event, device: device ?? undefined, webhook: w, orgName }, sentAt);
}

/** One attempt's request: rendered from the stored event, or (rows from before) the stored body re-addressed. */
export function renderDelivery(d: Delivery, w: Webhook): RenderedRequest {
  const sentAt = d.renderedAt ?? Date.now();
  if (d.matched) return renderMatched(d.matched, w, sentAt);
  // A row from before: its event was not kept, only the body rendered then. URL, method and headers still
  // follow the webhook (so mending the URL mends these too); the body and its content type stay as sent.
  const event: GatewayEvent = {
    orgId: d.orgId,
    deviceId: d.deviceId,
    kind: d.event as GatewayEvent['kind'],
    key: '',
    value: null,
    ts: d.createdAt,
    seq: 0,
  };
  const now = renderRequest({ event, device: undefined, webhook: w }, sentAt);
  const old = d.request!;
  const contentType = old.headers['content-type'];
  return {
    ...now,
    headers: contentType ? { ...now.headers, 'content-type': contentType } : now.headers,
    body: old.body,
  };
}

function renderBody(w: Webhook, ctx: EventContext, resolve: ReturnType<typeof placeholders>, sentAt: number): string {
  switch (w.contentType) {
    case 'JSON':
      return w.body ? renderJson(w.body, resolve) : JSON.stringify(payload(ctx, sentAt));
    case 'PLAIN_TEXT':
      return w.body ? renderText(w.body, resolve) : JSON.stringify(payload(ctx, sentAt));
    case 'URL_ENCODED_FORM': {
      const fields: [string, string][] =
        Object.keys(w.formBody).length > 0
          ? Object.entries(w.formBody).map(([k, v]): [string, string] => [k, renderText(v, resolve)])
          : Object.entries(payload(ctx, sentAt)).map(([k, v]): [string, string] => [
              k,
              typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? ''),
            ]);
      return new URLSearchParams(fields).toString();
    }
  }
}

/** Kobiton's payload with `creationTime` the send time (the key keeps its place, first). */
function payload(ctx: EventContext, sentAt: number): Record<string, unknown> {
  const p = defaultPayload(ctx);
  p.creationTime = new Date(sentAt).toISOString();
  return p;
}

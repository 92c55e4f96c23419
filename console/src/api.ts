import { session } from './session';

/** One invalid field of a request, as the API names it (`error.fields`). */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * An error answered by the API: `{"error": {"message", "code", "fields"?}}` (src/common/api-error.ts); a 400
 * names every invalid field of the request in `fields`.
 */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }

  /**
   * The messages per field: the API's `fields` when it sent them; else the message split, its field named
   * first ("url must …", "headers: …"), several joined with "; ".
   */
  fieldMessages(): { field: string; message: string }[] {
    if (this.fields.length) return this.fields.map((f) => ({ field: f.path, message: f.message }));
    return this.message.split('; ').map((message) => {
      const m = /^([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9_-]+)*)(?=[ :])/.exec(message);
      return { field: this.status === 409 && / named /.test(message) ? 'name' : (m?.[1] ?? ''), message };
    });
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export const API = '/api/v1/organization';

/** A REST call with the signed-in token in the Authorization header (never in the URL). */
export async function api<T = unknown>(
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<T> {
  const token = init.token ?? session.token();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path.startsWith('/') ? path : `${API}/${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const body = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const err = (body as { error?: { message?: string; code?: string; fields?: FieldError[] } } | undefined)?.error;
    throw new ApiFailure(res.status, err?.code ?? 'Error', err?.message ?? `HTTP ${res.status}`, err?.fields);
  }
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

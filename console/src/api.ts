import { session } from './session';

/** An error answered by the API: `{"error": {"message", "code"}}` (src/common/api-error.ts). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /**
   * The messages split per field: the API names the field first ("url must …", "dataTrigger.eventCode is
   * required …", "headers: …"); several class-validator messages arrive joined with "; ".
   */
  fieldMessages(): { field: string; message: string }[] {
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
    const err = (body as { error?: { message?: string; code?: string } } | undefined)?.error;
    throw new ApiFailure(res.status, err?.code ?? 'Error', err?.message ?? `HTTP ${res.status}`);
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

import type { SecretBox } from '../common/secret-box.js';

/**
 * Custom header values and URL query values whose names look like credentials (`X-Api-Key`, `?apikey=`,
 * `X-Auth-Token`, `signature`, ...) are treated like the webhook's own credentials: sealed at rest
 * (SecretBox), masked in every response and in the delivery log, and opened only per attempt. Rendering leaves
 * them sealed (they hold no placeholders: a credential is a fixed value), so an outbox row never holds them in
 * clear either.
 */
export const CREDENTIAL_NAME = /authorization|key|token|secret|password|signature/i;
export const MASK = '********';

export const isCredentialName = (name: string): boolean => CREDENTIAL_NAME.test(name);
const isSealed = (v: string): boolean => v.startsWith('v1:') && v.split(':').length === 4;

interface QueryPart {
  name: string;
  value: string | null; // null: no '='
}

/** Splits a URL template (placeholders allowed) into what precedes the query, its parameters, and the fragment. */
function splitUrl(url: string): { base: string; params: QueryPart[]; hash: string } | null {
  const q = url.indexOf('?');
  if (q < 0) return null;
  const h = url.indexOf('#', q);
  const query = url.slice(q + 1, h < 0 ? undefined : h);
  const params = query.split('&').map((p): QueryPart => {
    const eq = p.indexOf('=');
    return eq < 0 ? { name: p, value: null } : { name: p.slice(0, eq), value: p.slice(eq + 1) };
  });
  return { base: url.slice(0, q), params, hash: h < 0 ? '' : url.slice(h) };
}
const joinUrl = (u: { base: string; params: QueryPart[]; hash: string }) =>
  `${u.base}?${u.params.map((p) => (p.value === null ? p.name : `${p.name}=${p.value}`)).join('&')}${u.hash}`;

const paramName = (raw: string): string => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
};

/** Rewrites the values of credential-named query parameters. */
function mapQuery(url: string, f: (name: string, value: string) => string): string {
  const u = splitUrl(url);
  if (!u) return url;
  let changed = false;
  for (const p of u.params) {
    if (p.value === null || !isCredentialName(paramName(p.name))) continue;
    const next = f(p.name, p.value);
    if (next !== p.value) changed = true;
    p.value = next;
  }
  return changed ? joinUrl(u) : url;
}

const queryValue = (url: string, name: string): string | undefined =>
  splitUrl(url)?.params.find((p) => p.name === name)?.value ?? undefined;

/**
 * Seals credential-named header and query values, after validation. A value equal to the mask, or to the stored
 * (sealed) value, keeps the stored one; anything else is new and sealed.
 */
export function sealCredentialFields(
  w: { headers: Record<string, string>; url: string },
  box: SecretBox,
  before: { headers: Record<string, string>; url: string } | null,
): void {
  const keep = (given: string, stored: string | undefined) =>
    stored !== undefined && (given === MASK || given === stored)
      ? isSealed(stored)
        ? stored
        : box.seal(stored) // stored in clear before sealing existed: sealed now
      : box.seal(given);
  for (const [k, v] of Object.entries(w.headers)) {
    if (isCredentialName(k)) w.headers[k] = keep(v, before?.headers[k]);
  }
  w.url = mapQuery(w.url, (name, value) => {
    const stored = before ? queryValue(before.url, name) : undefined;
    return keep(value, stored);
  });
}

/** What responses and the delivery log show: credential-named values masked. */
export function maskCredentialFields<T extends { headers: Record<string, string>; url: string }>(r: T): T {
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, isCredentialName(k) ? MASK : v]));
  return { ...r, headers, url: mapQuery(r.url, () => MASK) };
}

/** The clear values for one attempt (values stored before sealing existed are used as they are). */
export function openCredentialFields(
  r: { headers: Record<string, string>; url: string },
  open: (sealed: string) => string,
): { headers: Record<string, string>; url: string } {
  const headers = { ...r.headers };
  for (const [k, v] of Object.entries(headers)) if (isSealed(v) && isCredentialName(k)) headers[k] = open(v);
  const url = r.url.includes('v1:')
    ? mapQuery(r.url, (_n, v) => (isSealed(v) ? open(v) : v)) // sealed as written (percent-encoded)
    : r.url;
  return { headers, url };
}

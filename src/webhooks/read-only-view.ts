import { scopeAllows } from '../tenancy/scopes.js';
import { MASK } from './credential-fields.js';

/**
 * What a token that may not edit webhooks (no `webhook.patch`) reads of an outbound webhook's target. Beyond the
 * credentials masked for everyone (credential-fields.ts), the URL and the custom headers often carry one under
 * an innocent name: a Slack-style URL whose path is the secret, `user:password@`, `?sig=`, `X-Custom: <key>`.
 * So, for such readers:
 * - the URL's userinfo, every query value and the fragment are masked;
 * - path segments are masked from the first one that looks like a credential (`looksLikeCredential`) to the end;
 * - header values are masked except those of `SAFE_HEADERS`.
 * Who may edit sees everything (they must, to edit); a URL or header sent back as read here keeps the stored one.
 */
export const SAFE_HEADERS: ReadonlySet<string> = new Set(['content-type', 'accept', 'user-agent']);

/** Whether a token sees webhooks whole (outbound URLs and headers, inbound token URLs): it may edit them. */
export const mayEditWebhooks = (scopes: readonly string[]): boolean => scopeAllows(scopes, 'webhook.patch', false);

const TOKEN_RUN = /[A-Za-z0-9_-]{16,}/g;

/**
 * A path segment looks like a credential when it holds a run of at least 16 characters from [A-Za-z0-9_-] with
 * at least two of: a lowercase letter, an uppercase letter, a digit (a random token, hex or base64url, a UUID's
 * hex; not `incoming-webhooks`, not an all-digit id). Errs toward masking: `WebhookReceiver2` is masked too.
 */
export function looksLikeCredential(segment: string): boolean {
  for (const [run] of segment.matchAll(TOKEN_RUN)) {
    const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((c) => c.test(run)).length;
    if (classes >= 2) return true;
  }
  return false;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** The URL (a template: placeholders allowed) as a read-only token sees it. */
export function urlForReader(url: string): string {
  const scheme = SCHEME.exec(url)?.[0] ?? '';
  let rest = url.slice(scheme.length);
  const hashAt = rest.indexOf('#');
  const fragment = hashAt < 0 ? '' : `#${MASK}`;
  if (hashAt >= 0) rest = rest.slice(0, hashAt);
  const queryAt = rest.indexOf('?');
  const query = queryAt < 0 ? null : rest.slice(queryAt + 1);
  if (queryAt >= 0) rest = rest.slice(0, queryAt);
  const pathAt = scheme ? rest.indexOf('/') : 0;
  let authority = pathAt < 0 ? rest : rest.slice(0, pathAt);
  const path = pathAt < 0 ? '' : rest.slice(pathAt);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = `${MASK}@${authority.slice(at + 1)}`;
  return `${scheme}${authority}${maskPath(path)}${query === null ? '' : `?${maskQuery(query)}`}${fragment}`;
}

function maskPath(path: string): string {
  const segments = path.split('/');
  const from = segments.findIndex(looksLikeCredential);
  if (from < 0) return path;
  return segments.map((s, i) => (i >= from && s !== '' ? MASK : s)).join('/');
}

/** Every value masked; a name without a value is masked when it looks like a credential (`?<token>`). */
const maskQuery = (query: string): string =>
  query
    .split('&')
    .map((p) => {
      const eq = p.indexOf('=');
      if (eq >= 0) return `${p.slice(0, eq)}=${MASK}`;
      return looksLikeCredential(p) ? MASK : p;
    })
    .join('&');

/** Header values masked but for the safe ones (names compared case-insensitively). */
export const headersForReader = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SAFE_HEADERS.has(k.toLowerCase()) ? v : MASK]));

/** A webhook view (already masked for everyone) as a read-only token sees it; the OAuth2 token URL as its URL. */
export function viewForReader<
  T extends { url: string; headers: Record<string, string>; oAuth2Request?: { tokenUrl: string } | null },
>(view: T): T {
  const oAuth2 = view.oAuth2Request && { ...view.oAuth2Request, tokenUrl: urlForReader(view.oAuth2Request.tokenUrl) };
  return {
    ...view,
    url: urlForReader(view.url),
    headers: headersForReader(view.headers),
    ...(oAuth2 ? { oAuth2Request: oAuth2 } : {}),
  };
}

/**
 * An update that sends back what a reader saw keeps what is stored: a URL (or OAuth2 token URL) equal to the
 * stored one as a reader sees it, and a header whose value is the mask (credential-named headers already do).
 */
export function keepReaderEcho(
  given: { url?: string; headers?: Record<string, string>; oAuth2Request?: { tokenUrl: string } },
  stored: { url: string; headers: Record<string, string>; oAuth2Request?: { tokenUrl: string } | null },
): void {
  const keptUrl = (url: string | undefined, was: string | undefined) =>
    url !== undefined && was !== undefined && url !== was && url === urlForReader(was) ? was : url;
  given.url = keptUrl(given.url, stored.url);
  if (given.oAuth2Request)
    given.oAuth2Request.tokenUrl = keptUrl(given.oAuth2Request.tokenUrl, stored.oAuth2Request?.tokenUrl)!;
  if (given.headers)
    for (const [k, v] of Object.entries(given.headers))
      if (v === MASK && stored.headers[k] !== undefined) given.headers[k] = stored.headers[k];
}

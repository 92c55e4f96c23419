import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ApiError } from '../common/api-error.js';
import type { TargetGuard } from '../common/target-guard.js';

/** How long a create/update waits for DNS before leaving the check to connect time. */
const RESOLVE_TIMEOUT_MS = 2000;

/**
 * Refuses, at create/update, a callback or token URL aimed at an address the SSRF guard forbids (400 naming the
 * field and the rule), instead of accepting it and failing at every delivery. IP literals are checked
 * statically; a host name is resolved once and refused if any address is forbidden. A name that does not
 * resolve now (or holds a placeholder) is accepted: the connect-time check, on the addresses actually
 * connected to, stays the guard either way (DNS can change after creation).
 */
export async function checkTarget(guard: TargetGuard, field: string, url: string): Promise<void> {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';
  if (authority.includes('{')) return; // the host comes from a placeholder: known only per event
  let host: string;
  try {
    host = new URL(url.replace(/\{[A-Za-z0-9_[\]]+\}/g, 'x')).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return; // checkUrl names what is wrong with it
  }
  if (!host || guard.hostAllowed(host)) return;
  const addresses = isIP(host) ? [host] : await resolve(host);
  for (const address of addresses) {
    const why = guard.refusal(address);
    if (why) {
      const where = address === host ? `address ${host}` : `${host} resolves to ${address}, which`;
      throw ApiError.badRequest(
        `${field}: target ${where} is not allowed (${why}): callbacks may reach public unicast addresses only, ` +
          'unless WEBHOOK_ALLOWED_TARGETS lists them',
        'WebhookForbiddenTarget',
      );
    }
  }
}

async function resolve(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((r) => {
    timer = setTimeout(() => r([]), RESOLVE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      lookup(host, { all: true }).then(
        (a) => a.map((x) => x.address),
        () => [],
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

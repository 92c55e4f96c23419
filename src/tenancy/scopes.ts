import { SetMetadata } from '@nestjs/common';

/**
 * Losant's scope grammar: `all.Organization` grants everything in the org, `all.Organization.read` every GET,
 * `devices.*` every operation on the devices collection and `device.*` on a single device, `devices.get` one
 * operation. Losant's `all.Application` and `all.User` (and their `.read`) are accepted as the same grants:
 * here the application is the organization, and a token acts for the whole of it. `mqtt.*` lets a token
 * connect to the broker as a service client.
 */
export const SCOPE_KEY = 'requiredScope';
export const RequireScope = (scope: string) => SetMetadata(SCOPE_KEY, scope);
/** For routes any valid token may call, whatever its scopes (e.g. asking who it is). */
export const ANY_VALID_TOKEN = 'any valid token';

export const KNOWN_SCOPE = /^(all\.(Organization|Application|User)(\.read)?|[a-z][a-zA-Z]*\.(\*|[a-z]+))$/;

const WHOLE = new Set(['all.Organization', 'all.Application', 'all.User']);
const WHOLE_READ = new Set(['all.Organization.read', 'all.Application.read', 'all.User.read']);

export function scopeAllows(granted: readonly string[], required: string, isRead: boolean): boolean {
  const resource = required.slice(0, required.indexOf('.'));
  for (const s of granted) {
    if (WHOLE.has(s) || s === required || s === `${resource}.*`) return true;
    if (isRead && WHOLE_READ.has(s)) return true;
  }
  return false;
}

export const canUseMqtt = (granted: readonly string[]): boolean =>
  granted.includes('all.Organization') || granted.includes('mqtt.*');

/**
 * Whether a token holding `granted` may mint a token with scope `requested`: only scopes within its own.
 * `all.Organization` only from `all.Organization`; `all.Organization.read` from either `all.Organization*`;
 * `x.*` only from `x.*` (or `all.Organization`); `x.op` whenever `granted` would allow the operation itself.
 */
export function scopeWithin(granted: readonly string[], requested: string): boolean {
  if (granted.includes('all.Organization')) return true;
  if (requested === 'all.Organization') return false;
  if (requested === 'all.Organization.read') return granted.includes('all.Organization.read');
  if (requested.endsWith('.*')) return granted.includes(requested);
  return scopeAllows(granted, requested, requested.endsWith('.get'));
}

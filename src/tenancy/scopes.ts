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

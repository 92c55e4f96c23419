import type { Socket } from 'node:net';
import { ADDRESS_LIMITS, IDENTITY_LIMITS, type ThrottleLimits } from '../../tenancy/auth-throttle.js';
import type { GatewayClient, Identity } from '../identity.js';

/**
 * The broker-internal client id: the wire client id inside the identity's own namespace, so a client id
 * belongs to the identity that created it. Another identity sending the same client id gets another internal
 * id: it neither resumes that persistent session (subscriptions, queued messages, will) nor takes over (closes)
 * that connection. Aedes sets `client.id` before `authenticate` and reads it only afterwards (session restore,
 * takeover in registerClient, will storage), so rewriting it at authentication is enough.
 * `encodeURIComponent` leaves no `/` in the identity part, so namespaces cannot collide.
 * Sandbox clients share one namespace (interop suites expect takeover between their own clients).
 */
export const sessionId = (identity: Identity, wireClientId: string): string =>
  `${identity.kind}/${identity.kind === 'sandbox' ? '' : encodeURIComponent(identity.id)}/${wireClientId}`;

/** Throttle keys of a CONNECT: its address, and the device/agent id it claims (API tokens have no name to key). */
export function throttleKeys(client: GatewayClient, username: string): [string, ThrottleLimits][] {
  const c = client as GatewayClient & { req?: { socket?: Socket } };
  const address = (client.conn as Socket).remoteAddress ?? c.req?.socket?.remoteAddress ?? 'unknown';
  const keys: [string, ThrottleLimits][] = [[`mqtt-addr:${address}`, ADDRESS_LIMITS]];
  if (username !== 'token') keys.push([`mqtt-id:${username}`, IDENTITY_LIMITS]);
  return keys;
}

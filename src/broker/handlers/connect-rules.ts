import type { Identity } from '../identity.js';

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

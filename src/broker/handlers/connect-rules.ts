import type { Client, ConnectPacket } from 'aedes';
import type { Socket } from 'node:net';
import { forgetPeerName } from '../aedes-internals.js';
import type { BrokerContext } from '../broker-context.js';
import { ADDRESS_LIMITS, addressKey, IDENTITY_LIMITS, type ThrottleLimits } from '../../tenancy/auth-throttle.js';
import { type GatewayClient, type Identity, isBlynk } from '../identity.js';
import { BLYNK_USERNAME } from '../blynk/blynk-topics.js';

/**
 * The broker-internal client id: the wire client id inside the identity's own namespace, so a client id
 * belongs to the identity that created it. Another identity sending the same client id gets another internal
 * id: it neither resumes that persistent session (subscriptions, queued messages, will) nor takes over (closes)
 * that connection. Aedes sets `client.id` before `authenticate` and reads it only afterwards (session restore,
 * takeover in registerClient, will storage), so rewriting it at authentication is enough.
 * `encodeURIComponent` leaves no `/` in the identity part, so namespaces cannot collide.
 * Sandbox clients share one namespace (interop suites expect takeover between their own clients). A Blynk
 * login has one session per device whatever its client id (an empty wire id is never seen here: Aedes names
 * it `aedes_…` first): one connection per token, a new one replaces the old, as Blynk states.
 */
export const sessionId = (identity: Identity, wireClientId: string): string =>
  `${identity.kind}/${identity.kind === 'sandbox' ? '' : encodeURIComponent(identity.id)}/${isBlynk(identity) ? '' : wireClientId}`;

/** Kind and id of the identity a session id (`sessionId`) belongs to, or null if it is none. */
export function sessionOwner(sid: string): { kind: string; id: string } | null {
  const kindEnd = sid.indexOf('/');
  const idEnd = sid.indexOf('/', kindEnd + 1);
  if (kindEnd < 0 || idEnd < 0) return null;
  try {
    return { kind: sid.slice(0, kindEnd), id: decodeURIComponent(sid.slice(kindEnd + 1, idEnd)) };
  } catch {
    return null; // not percent-encoded as sessionId writes it
  }
}

/**
 * The client's address, read once per CONNECT. Node keeps the peer address object on the socket once
 * `remoteAddress` was read (measured with heap snapshots: 88 B per held connection with its string; bare Aedes
 * never reads it), and the gateway needs the address at CONNECT only (throttle key, log line): the cache is
 * dropped again. WebSocket clients are read from the HTTP request's socket.
 */
export function peerAddress(client: GatewayClient): string {
  const viaHttp = (client as GatewayClient & { req?: { socket?: Socket } }).req?.socket;
  return readUncached(client.conn as Socket) ?? readUncached(viaHttp) ?? 'unknown';
}

/** The address, without keeping Node's cache of it (aedes-internals.ts). */
function readUncached(socket: Socket | undefined): string | undefined {
  const address = socket?.remoteAddress;
  if (socket) forgetPeerName(socket);
  return address;
}

/**
 * Throttle keys of a CONNECT: its address (shared with HTTP logins), and the device/agent id it claims. API
 * tokens and Blynk logins (user name `device`) name no identity: keyed by it, failures would lock every one out.
 */
export function throttleKeys(address: string, username: string): [string, ThrottleLimits][] {
  const keys: [string, ThrottleLimits][] = [[addressKey(address), ADDRESS_LIMITS]];
  if (username !== 'token' && username !== BLYNK_USERNAME) keys.push([identityThrottleKey(username), IDENTITY_LIMITS]);
  return keys;
}

/** The throttle key of the device or agent id a CONNECT claims (a success clears it). */
export const identityThrottleKey = (username: string): string => `mqtt-id:${username}`;

/** The largest keepalive accepted: MQTT_MAX_KEEPALIVE_S, lowered by the older MQTT_KEEPALIVE_LIMIT_S if set. */
export function maxKeepalive(ctx: Pick<BrokerContext, 'config'>): number {
  const { MQTT_MAX_KEEPALIVE_S: max, MQTT_KEEPALIVE_LIMIT_S: legacy } = ctx.config;
  return legacy > 0 && (max === 0 || legacy < max) ? legacy : max;
}

type PreConnect = (client: Client, packet: ConnectPacket, done: (err: Error | null, ok: boolean) => void) => void;

/**
 * CONNECT rules checked before authentication, on every login path; a refused CONNECT is marked
 * (`rejectIdentifier`) and answered with CONNACK 0x02 by `authenticate`:
 * - keepalive: as Mosquitto's max_keepalive for MQTT 3.1.1 clients, keepalive 0 or above the maximum is
 *   refused with 0x02 (Aedes' own keepaliveLimit would answer 0x06, which 3.1.1 does not define).
 */
export function preConnectRules(ctx: Pick<BrokerContext, 'config'>, next: PreConnect): PreConnect {
  const max = maxKeepalive(ctx);
  return (client, packet, done) => {
    if (max > 0 && (!packet.keepalive || packet.keepalive > max)) (client as GatewayClient).rejectIdentifier = true;
    next(client, packet, done);
  };
}

import type { AuthenticateError, Client } from 'aedes';
import type { ConnectPacket } from 'aedes';
import { hashToken, plausibleToken, tokenMatches } from '../../common/secrets.js';
import { BLYNK_USERNAME } from '../blynk/blynk-topics.js';
import { canUseMqtt } from '../../tenancy/scopes.js';
import { serviceCredential } from '../../tenancy/tenancy.service.js';
import { pendingWill } from '../aedes-internals.js';
import type { BrokerContext } from '../broker-context.js';
import type { GatewayClient, Identity } from '../identity.js';
import { identityThrottleKey, peerAddress, sessionId, throttleKeys } from './connect-rules.js';
import { mayPublish } from './publish.js';
import type { StoredWill } from './will.js';

const refuse = (returnCode: number, message: string): AuthenticateError =>
  Object.assign(new Error(message), { returnCode }) as AuthenticateError;

/** [MQTT-3.1.3-8] an empty client id with CleanSession=0 is answered with CONNACK 0x02. */
export function preConnect(
  client: Client,
  packet: ConnectPacket,
  done: (err: Error | null, ok: boolean) => void,
): void {
  // Blynk's sessions are clean, whatever its CONNECT asks (docs/mqtt.md "Moving Blynk devices").
  if (packet.username === BLYNK_USERNAME) packet.clean = true;
  if (!packet.clientId && !packet.clean) (client as GatewayClient).rejectIdentifier = true;
  done(null, true);
}

type Reply = (err: AuthenticateError | null, ok: boolean | null) => void;

/**
 * username = device or agent id, password = its token; or username `token` and an API token with `mqtt.*`
 * or `all.Organization`; or username `device` and a device token (Blynk's login: the token names the device,
 * which then speaks Blynk's topics). Unknown credentials get 0x04 (bad user name or password), nothing more.
 * No closure per CONNECT on the synchronous paths (device, agent, Blynk), and the peer address (a `getpeername`
 * that bare Aedes never makes) is read only when a throttle key may be refused, a failure is counted, a line
 * names it, or the login is asynchronous (an API token: the socket may be gone when its answer comes).
 */
export function authenticate(ctx: BrokerContext) {
  const closed = connectionClosed(ctx);
  return function authenticateClient(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    reply: Reply,
  ): void {
    const c = client as GatewayClient;
    if (c.rejectIdentifier) return refused(ctx, reply, username, peerAddress(c), refuse(2, 'identifier rejected'));
    if (!username && !password && ctx.config.MQTT_SANDBOX) {
      return connectAs(ctx, c, { kind: 'sandbox', id: `sandbox:${client.id}`, orgId: 0 }, username, closed, reply);
    }
    if (!username || !password) return deny(ctx, reply, username, peerAddress(c), 4);
    if (ctx.throttle.anyBlocked()) {
      const address = peerAddress(c);
      if (ctx.throttle.blocked(throttleKeys(address, username))) {
        ctx.metrics.authThrottled.inc({ surface: 'mqtt' });
        return deny(ctx, reply, username, address, 5);
      }
    }
    if (username === 'token') return authenticateApiToken(ctx, c, password, closed, reply);
    if (username === BLYNK_USERNAME) {
      // Found by its token's hash, which is the check: no second SHA-256 in tokenMatches.
      const named = plausibleToken(password) ? ctx.registry.deviceByTokenHash(hashToken(password)) : undefined;
      if (!named) return failed(ctx, reply, c, username, 4);
      const identity = { kind: 'device', id: named.id, orgId: named.orgId, protocol: 'blynk' } as const;
      return connectAs(ctx, c, identity, username, closed, reply);
    }
    const device = ctx.registry.device(username);
    if (device && tokenMatches(password, device.tokenHash)) {
      ctx.throttle.succeed(identityThrottleKey(username));
      return connectAs(ctx, c, { kind: 'device', id: device.id, orgId: device.orgId }, username, closed, reply);
    }
    const agent = ctx.registry.agent(username);
    if (agent && tokenMatches(password, agent.tokenHash)) {
      ctx.throttle.succeed(identityThrottleKey(username));
      return connectAs(ctx, c, { kind: 'agent', id: agent.id, orgId: agent.orgId }, username, closed, reply);
    }
    failed(ctx, reply, c, username, 4);
  };
}

/** User name `token`: an API token, checked by the tenancy service (asynchronous). */
function authenticateApiToken(
  ctx: BrokerContext,
  client: GatewayClient,
  password: Buffer,
  closed: (this: ClientSocket) => void,
  reply: Reply,
): void {
  const address = peerAddress(client);
  ctx.tenancy.authenticate(password.toString('utf8')).then(
    (auth) => {
      if (!auth || !canUseMqtt(auth.scopes)) {
        ctx.throttle.fail(throttleKeys(address, 'token'));
        return deny(ctx, reply, 'token', address, auth ? 5 : 4);
      }
      const identity = { kind: 'service', id: serviceCredential(auth.tokenId), orgId: auth.orgId } as const;
      connectAs(ctx, client, identity, 'token', closed, reply, address);
    },
    () => deny(ctx, reply, 'token', address, 3),
  );
}

/** The socket of a connected client: Aedes keeps its client on it (`conn.client`). */
type ClientSocket = GatewayClient['conn'] & { client?: GatewayClient };

/**
 * One listener function per broker instead of a closure (and `once`'s wrapper) per connection: measured
 * ~0.25 KiB less per held connection. The socket's close is the one place every ending goes through; the
 * client is the one Aedes put on the socket (no property of the gateway's is added to it).
 */
function connectionClosed(ctx: BrokerContext) {
  return function closed(this: ClientSocket): void {
    const client = this.client;
    const identity = client?.identity;
    if (!client || !identity) return; // listened to from `connectAs` on, so only for connected clients; 'close' comes once
    ctx.metrics.connectionClosed(identity.kind);
    ctx.connectionLog.debug('mqtt connections', `MQTT ${identity.kind} ${identity.id} disconnected`);
    if (identity.kind !== 'sandbox') ctx.presence.disconnected(identity.id, client);
  };
}

/**
 * The client authenticated as `identity`: its will checked like a publish, presence counted, CONNACK 0.
 * `address` when already read (the API-token login), else read only for a line that names it.
 */
function connectAs(
  ctx: BrokerContext,
  client: GatewayClient,
  identity: Identity,
  username: string | undefined,
  closed: (this: ClientSocket) => void,
  reply: Reply,
  address?: string,
): void {
  // Aedes holds the CONNECT's will until the session is set up, then stores it (aedes-internals.ts).
  const will = pendingWill<StoredWill>(client);
  if (will) {
    // A will is checked like the publish it becomes. Refused, not dropped: [MQTT-3.1.2-8] says a will that was
    // accepted MUST be published, and 0x05 tells the client why (§3.2.2.3; Mosquitto's 07-will-acl-denied).
    if (!mayPublish(ctx, identity, will.topic)) {
      ctx.metrics.denials.inc({ op: 'will' });
      const err = refuse(5, `not authorized to publish its Will Topic ${will.topic}`);
      return refused(ctx, reply, username, address ?? peerAddress(client), err);
    }
    will.orgId = identity.orgId; // stored with the will: what a sweep on another instance checks it against
  }
  client.identity = identity;
  client.id = sessionId(identity, client.id);
  ctx.metrics.connectionOpened(identity.kind);
  // The line (and the address it names) is built only when the rate limit lets it through.
  ctx.connectionLog.debugWith('mqtt connections', connectedLine, client);
  // Sandbox clients are no device or agent: they have no presence.
  const present = identity.kind !== 'sandbox';
  // Presence counts the connection from here, before Aedes closes a taken-over session, so a takeover never
  // shows an offline gap; `closed` counts it out.
  if (present) ctx.presence.connected(identity.id, client);
  client.conn.on('close', closed);
  reply(null, true);
}

const connectedLine = (client: GatewayClient): string =>
  `MQTT ${client.identity?.kind} ${client.identity?.id} connected from ${peerAddress(client)}`;

/** A failed login: counted against its address and claimed identity, then refused with `code`. */
function failed(ctx: BrokerContext, reply: Reply, client: GatewayClient, username: string, code: number): void {
  const address = peerAddress(client);
  ctx.throttle.fail(throttleKeys(address, username));
  deny(ctx, reply, username, address, code);
}

function deny(ctx: BrokerContext, reply: Reply, username: string | undefined, address: string, code: number): void {
  ctx.metrics.authFailures.inc();
  const message = code === 5 ? 'not authorized' : code === 3 ? 'server unavailable' : 'bad user name or password';
  refused(ctx, reply, username, address, refuse(code, message));
}

/** The CONNACK refusal, with a (rate-limited) line naming who and from where. */
function refused(
  ctx: BrokerContext,
  reply: Reply,
  username: string | undefined,
  address: string,
  err: AuthenticateError,
): void {
  ctx.connectionLog.warn(
    'mqtt refused',
    `MQTT login refused for ${username ?? '(no user name)'} from ${address}: ${err.message}`,
  );
  reply(err, false);
}

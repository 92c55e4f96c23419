import type { AuthenticateError, Client } from 'aedes';
import type { ConnectPacket } from 'aedes';
import { hashToken, tokenMatches } from '../../common/secrets.js';
import { BLYNK_USERNAME } from '../blynk/blynk-topics.js';
import { canUseMqtt } from '../../tenancy/scopes.js';
import { serviceCredential } from '../../tenancy/tenancy.service.js';
import { pendingWill } from '../aedes-internals.js';
import type { BrokerContext } from '../broker-context.js';
import type { GatewayClient, Identity } from '../identity.js';
import { peerAddress, sessionId, throttleKeys } from './connect-rules.js';
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

/**
 * username = device or agent id, password = its token; or username `token` and an API token with `mqtt.*`
 * or `all.Organization`; or username `device` and a device token (Blynk's login: the token names the device,
 * which then speaks Blynk's topics). Unknown credentials get 0x04 (bad user name or password), nothing more.
 */
export function authenticate(ctx: BrokerContext) {
  const closed = connectionClosed(ctx);
  return function authenticateClient(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    reply: (err: AuthenticateError | null, ok: boolean | null) => void,
  ): void {
    const c = client as GatewayClient;
    const address = peerAddress(c);
    const done = (err: AuthenticateError | null, ok: boolean | null) => {
      if (err)
        ctx.connectionLog.warn(
          'mqtt refused',
          `MQTT login refused for ${username ?? '(no user name)'} from ${address}: ${err.message}`,
        );
      reply(err, ok);
    };
    if (c.rejectIdentifier) return done(refuse(2, 'identifier rejected'), false);
    if (!username && !password && ctx.config.MQTT_SANDBOX) {
      return connectAs(ctx, c, { kind: 'sandbox', id: `sandbox:${client.id}`, orgId: 0 }, address, closed, done);
    }
    if (!username || !password) return deny(ctx, done, 4);
    const keys = throttleKeys(address, username);
    if (ctx.throttle.blocked(keys)) {
      ctx.metrics.authThrottled.inc({ surface: 'mqtt' });
      return deny(ctx, done, 5);
    }
    const failed = (code: number) => {
      ctx.throttle.fail(keys);
      deny(ctx, done, code);
    };
    if (username === 'token') {
      ctx.tenancy.authenticate(password.toString('utf8')).then(
        (auth) => {
          if (!auth || !canUseMqtt(auth.scopes)) return failed(auth ? 5 : 4);
          connectAs(
            ctx,
            c,
            { kind: 'service', id: serviceCredential(auth.tokenId), orgId: auth.orgId },
            address,
            closed,
            done,
          );
        },
        () => deny(ctx, done, 3),
      );
      return;
    }
    if (username === BLYNK_USERNAME) {
      const named = ctx.registry.deviceByTokenHash(hashToken(password.toString('utf8')));
      if (!named || !tokenMatches(password, named.tokenHash)) return failed(4);
      const identity = { kind: 'device', id: named.id, orgId: named.orgId, protocol: 'blynk' } as const;
      return connectAs(ctx, c, identity, address, closed, done);
    }
    const device = ctx.registry.device(username);
    if (device && tokenMatches(password, device.tokenHash)) {
      ctx.throttle.succeed(keys[1]?.[0] ?? '');
      return connectAs(ctx, c, { kind: 'device', id: device.id, orgId: device.orgId }, address, closed, done);
    }
    const agent = ctx.registry.agent(username);
    if (agent && tokenMatches(password, agent.tokenHash)) {
      ctx.throttle.succeed(keys[1]?.[0] ?? '');
      return connectAs(ctx, c, { kind: 'agent', id: agent.id, orgId: agent.orgId }, address, closed, done);
    }
    failed(4);
  };
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

/** The client authenticated as `identity`: its will checked like a publish, presence counted, CONNACK 0. */
function connectAs(
  ctx: BrokerContext,
  client: GatewayClient,
  identity: Identity,
  address: string,
  closed: (this: ClientSocket) => void,
  done: (err: AuthenticateError | null, ok: boolean) => void,
): void {
  // Aedes holds the CONNECT's will until the session is set up, then stores it (aedes-internals.ts).
  const will = pendingWill<StoredWill>(client);
  if (will) {
    // A will is checked like the publish it becomes. Refused, not dropped: [MQTT-3.1.2-8] says a will that was
    // accepted MUST be published, and 0x05 tells the client why (§3.2.2.3; Mosquitto's 07-will-acl-denied).
    if (!mayPublish(ctx, identity, will.topic)) {
      ctx.metrics.denials.inc({ op: 'will' });
      return done(refuse(5, `not authorized to publish its Will Topic ${will.topic}`), false);
    }
    will.orgId = identity.orgId; // stored with the will: what a sweep on another instance checks it against
  }
  client.identity = identity;
  client.id = sessionId(identity, client.id);
  ctx.metrics.connectionOpened(identity.kind);
  ctx.connectionLog.debug('mqtt connections', `MQTT ${identity.kind} ${identity.id} connected from ${address}`);
  // Sandbox clients are no device or agent: they have no presence.
  const present = identity.kind !== 'sandbox';
  // Presence counts the connection from here, before Aedes closes a taken-over session, so a takeover never
  // shows an offline gap; `closed` counts it out.
  if (present) ctx.presence.connected(identity.id, client);
  client.conn.on('close', closed);
  done(null, true);
}

function deny(
  ctx: BrokerContext,
  done: (err: AuthenticateError | null, ok: boolean | null) => void,
  code: number,
): void {
  ctx.metrics.authFailures.inc();
  done(
    refuse(code, code === 5 ? 'not authorized' : code === 3 ? 'server unavailable' : 'bad user name or password'),
    false,
  );
}

import type { AedesPublishPacket, Client, PublishPacket } from 'aedes';
import type { BrokerContext } from '../broker-context.js';
import { DENIED_TOPIC, type GatewayClient, type Identity, isBlynk, isGatewayTopic } from '../identity.js';
import { deviceIdOf, orgTopic } from '../../devices/device-topics.js';
import { type StoredWill, sweptWillOwner } from './will.js';

/**
 * ACL for PUBLISH and for wills, then ingest (`ctx.ingest.route`), whose callback releases Aedes'
 * acknowledgement. A denied publish is dropped: acknowledged by the normal QoS rules and routed nowhere, which
 * [MQTT-3.3.5-2] allows, so one bad topic does not cost a device its connection. A will comes with its client
 * when its connection ends here, and with none when another instance's sweep publishes it (will.ts): it is
 * then checked against the identity that set it, as that identity is now. A will set on a topic its identity
 * may not publish never gets stored: its CONNECT is refused (connect.ts).
 */
export function authorizePublish(ctx: BrokerContext) {
  return function authorizePublishPacket(
    client: Client | null,
    packet: PublishPacket,
    done: (err?: Error | null) => void,
  ): void {
    if (client === null) {
      const deny = () => denied(ctx, packet, done);
      sweptWillOwner(ctx, packet as StoredWill).then(
        (who) =>
          who && mayPublish(ctx, who, packet.topic) ? ctx.ingest.route(packet as AedesPublishPacket, done) : deny(),
        deny, // the token store unreachable: a will nobody can vouch for is not published
      );
      return;
    }
    const identity = (client as GatewayClient).identity;
    if (isBlynk(identity)) return ctx.blynk.publish(client, identity.id, packet, done);
    if (identity && mayPublish(ctx, identity, packet.topic))
      return ctx.ingest.route(packet as AedesPublishPacket, done);
    denied(ctx, packet, done);
  };
}

/** Rewritten to a topic nobody reads: Aedes acknowledges (or, for a will, deletes) it as if it were published. */
function denied(ctx: BrokerContext, packet: PublishPacket, done: (err?: Error | null) => void): void {
  ctx.metrics.denials.inc({ op: 'publish' });
  packet.topic = DENIED_TOPIC;
  packet.retain = false;
  done(null);
}

/** May `who` publish to `topic`: the one ACL of PUBLISH and wills (set at CONNECT, fired at the end). */
export function mayPublish(ctx: BrokerContext, who: Identity, topic: string): boolean {
  if (who.kind === 'sandbox') return !isGatewayTopic(topic) && !topic.startsWith('$');
  if (topic.startsWith('orgs/')) return who.kind === 'service' && topic.startsWith(orgTopic(who.orgId, ''));
  const deviceId = deviceIdOf(topic);
  if (deviceId === null) return false; // $SYS and anything outside the contract
  // Downlinks are written by the gateway and service clients, never by devices or agents.
  const downlink = topic.startsWith('downlink', 'devices/'.length + deviceId.length + 1);
  switch (who.kind) {
    case 'device':
      return deviceId === who.id && !downlink;
    case 'agent':
      return !downlink && ctx.registry.device(deviceId)?.agentId === who.id;
    case 'service':
      return ctx.registry.device(deviceId)?.orgId === who.orgId;
  }
  return false;
}

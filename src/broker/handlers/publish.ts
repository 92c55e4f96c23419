import type { AedesPublishPacket, Client, PublishPacket } from 'aedes';
import type { BrokerContext } from '../broker-context.js';
import { DENIED_TOPIC, type GatewayClient, type Identity, isGatewayTopic } from '../identity.js';
import { deviceIdOf, orgTopic } from '../../devices/device-topics.js';

/**
 * ACL for PUBLISH, then ingest (`ctx.ingest.accept`), whose callback releases Aedes' acknowledgement. A denied publish is dropped: acknowledged by the normal QoS rules and routed nowhere,
 * which [MQTT-3.3.5-2] allows, so one bad topic does not cost a device its connection.
 */
export function authorizePublish(ctx: BrokerContext) {
  return function authorizePublishPacket(
    client: Client | null,
    packet: PublishPacket,
    done: (err?: Error | null) => void,
  ): void {
    // Will messages of sessions gone before a restart come with no client: nothing to check against.
    if (client === null) return done(null);
    const identity = (client as GatewayClient).identity;
    if (identity && mayPublish(ctx, identity, packet.topic))
      return ctx.ingest.accept(packet as AedesPublishPacket, done);
    ctx.metrics.denials.inc({ op: 'publish' });
    packet.topic = DENIED_TOPIC;
    packet.retain = false;
    done(null);
  };
}

function mayPublish(ctx: BrokerContext, who: Identity, topic: string): boolean {
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

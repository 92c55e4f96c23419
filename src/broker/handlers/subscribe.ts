import type { Client, Subscription } from 'aedes';
import type { BrokerContext } from '../broker-context.js';
import { type GatewayClient, type Identity, isBlynk, isGatewayTopic } from '../identity.js';
import { downlinkFilter, downlinkTopic, orgTopic } from '../../devices/device-topics.js';
import { filterMatches, filterWithin, isValidFilter } from '../topics.js';

/**
 * ACL for SUBSCRIBE. A malformed filter is a protocol violation: the connection is closed ([MQTT-4.8.0-1]).
 * A filter outside what the client may read, or one past the per-client cap, gets SUBACK 0x80 ([MQTT-3.9.3-2]).
 */
export function authorizeSubscribe(ctx: BrokerContext) {
  return function authorizeSubscription(
    client: Client,
    sub: Subscription,
    done: (err: Error | null, sub?: Subscription | null) => void,
  ): void {
    if (!isValidFilter(sub.topic)) return done(new Error(`malformed topic filter ${JSON.stringify(sub.topic)}`));
    const c = client as GatewayClient;
    // A Blynk client's filter is mapped under its own downlink first (blynk/), then checked as any device's.
    if (isBlynk(c.identity) && !ctx.blynk.subscribe(sub, c.identity.id)) return refused(ctx, done);
    const count = Object.keys((client as unknown as { subscriptions?: object }).subscriptions ?? {}).length;
    const allowed =
      c.identity !== undefined && count < ctx.config.MQTT_MAX_SUBSCRIPTIONS && mayRead(ctx, c.identity, sub.topic);
    if (allowed) return done(null, sub);
    refused(ctx, done);
  };
}

function refused(ctx: BrokerContext, done: (err: Error | null, sub?: Subscription | null) => void): void {
  ctx.metrics.denials.inc({ op: 'subscribe' });
  done(null, null);
}

function mayRead(ctx: BrokerContext, who: Identity, filter: string): boolean {
  switch (who.kind) {
    // Any filter; forwarding keeps the gateway's namespaces out of a sandbox client's reach.
    case 'sandbox':
      return !filter.startsWith('$');
    case 'device':
      return filterWithin(filter, downlinkTopic(who.id, '')) || filter === downlinkFilter(who.id);
    case 'agent': {
      // devices/+/downlink/# is fine: forwarding only hands the agent its own devices' messages.
      const m = /^devices\/([^/]+)\/downlink\/./.exec(filter);
      return m !== null && (m[1] === '+' || ctx.registry.device(m[1])?.agentId === who.id);
    }
    case 'service':
      return filterWithin(filter, 'devices/') || filterWithin(filter, orgTopic(who.orgId, ''));
  }
}

/** Per-message delivery filter: nobody receives another org's device messages through a wildcard. */
export function authorizeForward(ctx: BrokerContext) {
  const allowed = forwardAllowed(ctx);
  return function forward<P extends { topic: string; qos?: number }>(client: Client, packet: P): P | null {
    const out = allowed(client, packet);
    if (!out) return null;
    const who = (client as GatewayClient).identity;
    return isBlynk(who) ? ctx.blynk.forward(withGrantedQos(client, out), who.id) : withGrantedQos(client, out);
  };
}

/**
 * [MQTT-3.8.4-6]: a message goes out at no more than the QoS granted to the client's matching subscriptions.
 * Aedes 1.2 caps it only by a subscription named exactly as the topic, so a QoS 2 publish reached a QoS 1
 * wildcard subscriber at QoS 2.
 */
function withGrantedQos<P extends { topic: string; qos?: number }>(client: Client, packet: P): P {
  if (!packet.qos) return packet;
  const subs = (client as unknown as { subscriptions: Record<string, { qos: number }> }).subscriptions;
  // The usual case, every subscription granted at least this QoS, needs no topic matching.
  let lowest = 2;
  for (const filter in subs) if (subs[filter].qos < lowest) lowest = subs[filter].qos;
  if (lowest >= packet.qos) return packet;
  let granted = -1; // none matching: unsubscribed while the message was on its way, Aedes' own rules apply
  for (const filter in subs) {
    if (subs[filter].qos > granted && filterMatches(filter, packet.topic)) granted = subs[filter].qos;
    if (granted >= packet.qos) return packet;
  }
  return granted < 0 ? packet : { ...packet, qos: granted };
}

function forwardAllowed(ctx: BrokerContext) {
  return function allowed<P extends { topic: string }>(client: Client, packet: P): P | null {
    const who = (client as GatewayClient).identity;
    if (!who) return null;
    const topic = packet.topic;
    if (who.kind === 'sandbox') return isGatewayTopic(topic) ? null : packet;
    if (!topic.startsWith('devices/')) return packet; // orgs/{orgId}/: the subscribe ACL already scoped it
    const end = topic.indexOf('/', 8);
    const deviceId = topic.slice(8, end);
    if (who.kind === 'device') return deviceId === who.id ? packet : null;
    const device = ctx.registry.device(deviceId);
    if (!device) return null;
    if (who.kind === 'agent') return device.agentId === who.id ? packet : null;
    return device.orgId === who.orgId ? packet : null;
  };
}

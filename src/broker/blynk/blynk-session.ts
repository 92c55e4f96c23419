import { Logger } from '@nestjs/common';
import type { Client, PublishPacket, Subscription } from 'aedes';
import type { Counter } from 'prom-client';
import type { GatewayConfig } from '../../config/gateway-config.js';
import { deviceLimits } from '../../devices/device-limits.js';
import type { DeviceRegistry } from '../../devices/device-registry.js';
import { deviceTopicRoot } from '../../devices/device-topics.js';
import type { IngestRouter } from '../../ingest/ingest-router.js';
import type { GatewayMetrics } from '../../observability/gateway-metrics.js';
import { RateLimitedLog } from '../../observability/rate-limited-log.js';
import { type AedesParser, type ParsedPacket, seeBeforeHandling } from '../aedes-internals.js';
import type { GatewayClient } from '../identity.js';
import { type BlynkDropReason, downlinkPlain, isMultiValue, mcuInfo, multiValue } from './blynk-payload.js';
import {
  BLYNK_MAX_MESSAGE_BYTES,
  BLYNK_SINK,
  BLYNK_UNSOLICITED,
  type BlynkKind,
  type BlynkUplink,
  blynkDownlinkTopic,
  blynkFilter,
  blynkUnsubscription,
  parseBlynkTopic,
} from './blynk-topics.js';
import { BlynkUplinks, type Handled } from './blynk-uplinks.js';

type Acknowledge = (err?: Error | null) => void;
/** Rewrites a Blynk uplink to its counterpart under `root` (`devices/{id}/`); a reason when it is dropped. */
type ToOurs = (packet: PublishPacket, up: BlynkUplink, root: string) => BlynkDropReason | null;

/** What the Blynk mapping needs of the broker (a part of BrokerContext, named here so no import runs back). */
export interface BlynkContext {
  config: GatewayConfig;
  registry: DeviceRegistry;
  metrics: GatewayMetrics;
  ingest: IngestRouter;
}

/** Uplinks with a counterpart in our scheme: the topic (and where needed the payload) rewritten, then ingest. */
const TO_OURS: Readonly<Partial<Record<BlynkKind, ToOurs>>> = {
  ds: (packet, up, root) => {
    packet.topic = `${root}ds/${up.name}`;
    const payload = packet.payload as Buffer;
    if (isMultiValue(payload)) packet.payload = Buffer.from(JSON.stringify(multiValue(payload)));
    return null;
  },
  batch_ds: (packet, _up, root) => {
    packet.topic = `${root}batch`;
    return null;
  },
  event: (packet, up, root) => {
    packet.topic = `${root}event/${up.name}`;
    return null;
  },
  info: (packet, _up, root) => {
    const info = mcuInfo(packet.payload as Buffer);
    if (!info.ok) return info.reason;
    packet.topic = `${root}info`;
    packet.payload = info.value;
    return null;
  },
};

/**
 * A Blynk client's side of the broker (docs/mqtt.md "Moving Blynk devices"): the broker's handlers call it for
 * a device that logged in Blynk's way. Its topics are mapped into the device's own `devices/{id}/` namespace,
 * so the ACL, presence, ingest and everything after them see the same events as for our own scheme; nothing
 * it names can reach another device's topics.
 */
export class BlynkSession {
  private readonly log = new RateLimitedLog(new Logger('blynk'));
  private readonly uplinks: BlynkUplinks;
  private readonly inByKind = new Map<string, Counter.Internal>();

  constructor(private readonly ctx: BlynkContext) {
    this.uplinks = new BlynkUplinks(ctx.registry, deviceLimits(ctx.config));
  }

  /** PUBLISH from a Blynk client: a short pipeline — size, topic, then our ingest or a Blynk handler. */
  publish(client: Client, deviceId: string, packet: PublishPacket, done: Acknowledge): void {
    if ((packet.payload as Buffer).length > BLYNK_MAX_MESSAGE_BYTES)
      return this.drop(deviceId, packet, 'blynk_message_too_large', done);
    const up = parseBlynkTopic(packet.topic);
    if (up === null) return this.drop(deviceId, packet, 'blynk_unknown_topic', done);
    const toOurs = TO_OURS[up.kind];
    if (toOurs) {
      const refused = toOurs(packet, up, deviceTopicRoot(deviceId));
      return refused ? this.drop(deviceId, packet, refused, done) : this.ctx.ingest.route(packet as never, done);
    }
    this.handle(client, deviceId, up, packet, done);
  }

  /** A Blynk-only uplink: handled here, then sunk (Aedes routes it nowhere) and acknowledged once durable. */
  private handle(client: Client, deviceId: string, up: BlynkUplink, packet: PublishPacket, done: Acknowledge): void {
    const device = this.ctx.registry.device(deviceId);
    if (!device) return this.drop(deviceId, packet, 'unknown_device', done);
    const ts = Date.now();
    let handled: Handled;
    try {
      handled = this.uplinks.handlers[up.kind]!({ client, device, up, payload: packet.payload as Buffer, ts });
    } catch {
      handled = { dropped: 'handler_error' }; // a bug costs that message only, never the connection
    }
    if ('dropped' in handled) return this.drop(deviceId, packet, handled.dropped, done);
    this.counter(up.kind).inc();
    this.ctx.registry.seen(device, ts);
    sink(packet);
    this.ctx.ingest.settle(packet.qos, handled.durable, done);
  }

  /** SUBSCRIBE: the filter mapped under the device's own downlink, or false (refused, SUBACK 0x80). */
  subscribe(sub: Subscription, deviceId: string): boolean {
    const mapped = blynkFilter(sub.topic, deviceId);
    if (mapped === null) return false;
    sub.topic = mapped;
    return true;
  }

  /** Outgoing: our `devices/{id}/downlink/…` as Blynk's `downlink/…`, values as plain text; nothing else. */
  forward<P extends { topic: string; payload?: unknown }>(packet: P, deviceId: string): P | null {
    const topic = blynkDownlinkTopic(packet.topic, deviceId);
    if (topic === null) return null;
    const plain = topic.startsWith('downlink/ds/') || topic.startsWith('downlink/meta/');
    const payload = plain && Buffer.isBuffer(packet.payload) ? downlinkPlain(packet.payload) : packet.payload;
    return { ...packet, topic, payload };
  }

  /**
   * A Blynk session is subscribed to what Blynk sends unasked (ping, reboot, …); no SUBACK goes out. Its
   * UNSUBSCRIBEs are mapped as its SUBSCRIBEs were, before Aedes handles them (Aedes has no hook for them).
   */
  connected(client: Client): void {
    const subscriptions = BLYNK_UNSOLICITED.map((topic) => ({ topic, qos: 1 as const }));
    client.subscribe({ subscriptions } as never, () => undefined);
    seeBeforeHandling(client, mapUnsubscribe);
  }

  /** Dropped: counted by reason, logged (rate-limited), acknowledged and routed nowhere ([MQTT-3.3.5-2]). */
  private drop(deviceId: string, packet: PublishPacket, reason: BlynkDropReason, done: Acknowledge): void {
    this.ctx.metrics.drops.inc({ reason });
    this.log.warn(reason, `dropped Blynk message of ${deviceId} on ${packet.topic}: ${reason}`);
    sink(packet);
    done(null);
  }

  private counter(kind: BlynkKind): Counter.Internal {
    let child = this.inByKind.get(kind);
    if (!child) this.inByKind.set(kind, (child = this.ctx.metrics.messagesIn.labels(`blynk_${kind}`)));
    return child;
  }
}

function sink(packet: PublishPacket): void {
  packet.topic = BLYNK_SINK;
  packet.retain = false;
}

/**
 * UNSUBSCRIBE from a Blynk client names Blynk's filters (`downlink/#`), stored mapped by SUBSCRIBE: each is mapped
 * the same way before Aedes' handler reads it, so it removes that subscription, and UNSUBACK follows the removal.
 * One function for every connection (`this` is its parser), so a connection costs no closure.
 */
function mapUnsubscribe(this: AedesParser, packet: ParsedPacket): void {
  const identity = (this.client as GatewayClient).identity;
  if (packet.cmd !== 'unsubscribe' || !packet.unsubscriptions || !identity) return;
  const deviceId = identity.id;
  packet.unsubscriptions = packet.unsubscriptions.map((filter) => blynkUnsubscription(filter, deviceId));
}

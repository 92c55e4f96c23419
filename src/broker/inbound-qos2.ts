import type { Client, PublishPacket } from 'aedes';
import type { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { RateLimitedLog } from '../observability/rate-limited-log.js';
import { inboundInflight, replaceInboundInflight } from './aedes-internals.js';

/** Inbound QoS 2 PUBLISHes one connection may have awaiting PUBREL. */
export interface InflightBounds {
  count: number;
  bytes: number;
}

type AuthorizePublish = (client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void) => void;

/**
 * The connection's inbound QoS 2 window, in place of Aedes' set of inbound ids (aedes-internals.ts): Aedes adds a message id
 * once the packet is stored and deletes it at PUBREL (or when storing failed); this also holds each admitted
 * packet's size until that delete, so the bytes the store holds for the connection are bounded too. Aedes
 * bounds the count only (maxInflightInbound, 1000 by default), not the bytes: 600 PUBLISHes of 100 KB never
 * released held 60 MB for one connection.
 */
export class InboundQos2Window extends Set<number> {
  /** Bytes (topic + payload) of each admitted message id, until its PUBREL. */
  private sizes: Map<number, number> | null = null;
  bytes = 0;

  /** Message ids admitted and not yet released. */
  get held(): number {
    return this.sizes?.size ?? 0;
  }

  /**
   * Reserves a slot for a new QoS 2 message id, synchronously (a socket read's packets are handled
   * concurrently), or says which bound it would pass. A retransmission of an id already held costs nothing.
   */
  admit(messageId: number, size: number, bounds: InflightBounds): 'qos2_inflight' | 'qos2_inflight_bytes' | null {
    const sizes = (this.sizes ??= new Map());
    if (sizes.has(messageId)) return null;
    if (sizes.size >= bounds.count) return 'qos2_inflight';
    if (this.bytes + size > bounds.bytes) return 'qos2_inflight_bytes';
    sizes.set(messageId, size);
    this.bytes += size;
    return null;
  }

  override delete(messageId: number): boolean {
    const size = this.sizes?.get(messageId);
    if (size !== undefined) {
      this.sizes!.delete(messageId);
      this.bytes -= size;
    }
    return super.delete(messageId);
  }
}

/**
 * The connection's window, put in place of Aedes' set at its first QoS 2 PUBLISH (most connections never send
 * one: they keep Aedes' empty set). Every id Aedes adds comes through `admit` first, so its set is empty then.
 */
function windowOf(client: Client): InboundQos2Window {
  const current = inboundInflight(client);
  if (current instanceof InboundQos2Window) return current;
  return replaceInboundInflight(client, new InboundQos2Window(current));
}

/**
 * The PUBLISH authorization with the window in front: a QoS 2 PUBLISH past either bound closes the connection
 * before it is ingested or stored (MQTT 3.1.1 has no reason code for it; Aedes closes for its own count bound
 * too). Nothing is lost: it was not acknowledged (no PUBREC), so the client sends it again.
 */
export function boundedQos2Publish(
  next: AuthorizePublish,
  bounds: InflightBounds,
  metrics: GatewayMetrics,
  log: RateLimitedLog,
): AuthorizePublish {
  return (client, packet, done) => {
    // Will messages (published when the connection is gone) have no message id and hold no slot.
    if (client === null || packet.qos !== 2 || packet.messageId === undefined || client.closed) {
      return next(client, packet, done);
    }
    const window = windowOf(client);
    const size = Buffer.byteLength(packet.topic) + (packet.payload?.length ?? 0);
    const passed = window.admit(packet.messageId, size, bounds);
    if (passed === null) return next(client, packet, done);
    metrics.flowClosed.inc({ reason: passed });
    const held = `${window.held} QoS 2 messages (${window.bytes} bytes) awaiting PUBREL`;
    const bound =
      passed === 'qos2_inflight'
        ? `MQTT_MAX_INFLIGHT_QOS2 ${bounds.count}`
        : `MQTT_MAX_INFLIGHT_QOS2_BYTES ${bounds.bytes}`;
    log.warn(passed, `closing ${client.id}: ${held}, one more passes ${bound}`);
    done(new Error(`inbound QoS 2 window full (${bound})`));
  };
}

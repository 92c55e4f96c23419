import { Injectable } from '@nestjs/common';
import type { AedesPublishPacket } from 'aedes';
import { parseDeviceTopic } from '../devices/device-topics.js';
import { Outbox } from '../delivery/outbox.js';
import { type Durable, together } from '../events/gateway-event.js';
import { type DeviceMessage, IngestService } from './ingest.service.js';

/** A handler returns what the message caused that must be durable before its PUBACK. */
type Handler = (m: DeviceMessage) => Durable;
type Acknowledge = (err?: Error | null) => void;

/**
 * The MQTT hot path after the ACL (broker/handlers/publish.ts calls `route`): the table "topic kind →
 * handler" of the uplink contract (docs/architecture.md §3), and the rule that a QoS 1/2 PUBLISH is acknowledged only
 * once what it caused is durable: the handler returns it (the outbox commit holding its deliveries, or any
 * other listener's commit), so a listener that works asynchronously holds the acknowledgement by its type.
 * Aedes writes the PUBACK right after this stage, so nothing a message caused is lost once its sender has
 * been told it arrived.
 */
@Injectable()
export class IngestRouter {
  private readonly handlers: Readonly<Record<string, Handler | undefined>>;

  constructor(
    private readonly ingest: IngestService,
    private readonly outbox: Outbox,
  ) {
    this.handlers = {
      status: (m) => ingest.status(m),
      info: (m) => ingest.info(m),
      ds: (m) => ingest.datastream(m),
      batch: (m) => ingest.batch(m),
      event: (m) => ingest.logEvent(m),
    };
  }

  route(packet: AedesPublishPacket, done: Acknowledge): void {
    const topic = parseDeviceTopic(packet.topic);
    const handle = topic === null ? undefined : this.handlers[topic.kind];
    if (handle === undefined) return done(); // downlink, reply, other: routed by Aedes, nothing to ingest
    const message = { deviceId: topic!.deviceId, key: topic!.key, payload: packet.payload as Buffer, ts: Date.now() };
    let caused: Durable;
    try {
      caused = handle(message);
    } catch {
      // A bug in one handler costs that message only, never the client's connection.
      this.ingest.drop(message, 'handler_error');
    }
    this.settle(packet.qos, caused, done);
  }

  /** Acknowledges a message once what it `caused` is durable (also for Blynk's own uplinks, broker/blynk/). */
  settle(qos: number, caused: Durable, done: Acknowledge): void {
    if (qos === 0) return done();
    // Also the commit still pending for earlier messages: a message that caused none is not acknowledged
    // before them (acknowledgements in order, [MQTT-4.6.0-2]). Usually the same promise: no allocation.
    const commit = together(caused, this.outbox.durable() ?? undefined);
    if (commit === undefined) return done();
    // A failed commit withholds the acknowledgement: Aedes closes the connection and the client resends.
    commit.then(
      () => done(),
      (err: Error) => done(err),
    );
  }
}

import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import type { AedesPublishPacket, Client } from 'aedes';
import { isObservable, lastValueFrom } from 'rxjs';
import type { BrokerService } from '../broker/broker.service.js';
import { type DeviceTopic, parseDeviceTopic } from '../broker/topics.js';
import type { DeviceMessage } from './ingest.service.js';

/** The patterns ingest handlers declare with @EventPattern, one per topic kind. */
export const TOPIC_PATTERNS = {
  status: 'devices/+/status',
  ds: 'devices/+/ds/+',
  batch: 'devices/+/batch',
  event: 'devices/+/event/+',
  info: 'devices/+/info',
} as const;

/** A handler fed directly, outside Nest's RPC pipeline: the telemetry hot path. */
export type DirectHandler = (message: DeviceMessage) => void;

/**
 * A Nest microservice transport bound to the in-process Aedes instance: every PUBLISH that passed the ACL
 * reaches its handler from the broker's authorizePublish stage — no MQTT client looping back over TCP. The topic is
 * parsed once and its kind names the handler, so routing is one map lookup.
 *
 * Two kinds of handler: @EventPattern handlers (Nest's pipeline: pipes, interceptors, filters) for the cold
 * kinds, and direct handlers for the hot ones. Measured with bench:ingest, Nest's pipeline cost about as much
 * CPU per message as Aedes itself (over the 10% budget of ARCHITECTURE §2), so datastream values, batches and
 * log events skip it. For QoS 1/2 the callback waits for the handler and the outbox commit, so the PUBACK
 * (written by Aedes right after that stage) follows whatever the message made durable.
 */
export class BrokerTransport extends Server implements CustomTransportStrategy {
  private readonly nestHandlers = new Map<string, MessageHandler>();
  private readonly directHandlers: ReadonlyMap<string, DirectHandler>;

  /**
   * `durable` returns the commit that makes the effects of the handlers run so far durable (the webhook
   * outbox), or null when nothing is waiting; QoS 1/2 messages are acknowledged only after it.
   */
  constructor(
    private readonly broker: BrokerService,
    direct: Partial<Record<keyof typeof TOPIC_PATTERNS, DirectHandler>> = {},
    private readonly durable: () => Promise<void> | null = () => null,
  ) {
    super();
    this.directHandlers = new Map(Object.entries(direct));
  }

  listen(callback: () => void): void {
    for (const [kind, pattern] of Object.entries(TOPIC_PATTERNS)) {
      const handler = this.getHandlerByPattern(pattern);
      if (!handler) continue;
      if (this.directHandlers.has(kind))
        throw new Error(`topic kind ${kind} has both an @EventPattern and a direct handler`);
      this.nestHandlers.set(kind, handler);
    }
    this.broker.onAccepted((packet, client, done) => this.onAccepted(packet, client, done));
    callback();
  }

  private onAccepted(packet: AedesPublishPacket, _client: Client, done: (err?: Error | null) => void): void {
    const topic = parseDeviceTopic(packet.topic);
    if (!topic) return done();
    const direct = this.directHandlers.get(topic.kind);
    if (direct) {
      direct(toMessage(topic, packet));
      return packet.qos === 0 ? done() : this.afterDurable(done);
    }
    const handler = this.nestHandlers.get(topic.kind);
    if (!handler) return done();
    const result = handler(toMessage(topic, packet));
    if (packet.qos === 0) {
      done();
      result.catch(noop);
      return;
    }
    result
      .then((r) => (isObservable(r) ? lastValueFrom(r, { defaultValue: undefined }) : r))
      .then(
        () => this.afterDurable(done),
        () => this.afterDurable(done),
      );
  }

  /** A failed commit withholds the acknowledgement: Aedes closes the connection and the client resends. */
  private afterDurable(done: (err?: Error | null) => void): void {
    const commit = this.durable();
    if (!commit) return done();
    commit.then(
      () => done(),
      (err: Error) => done(err),
    );
  }

  close(): void {
    this.broker.onAccepted((_p, _c, done) => done(null));
  }

  on(): void {
    throw new Error('BrokerTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.broker.aedes as T;
  }
}

function noop(): void {}

function toMessage(topic: DeviceTopic, packet: AedesPublishPacket): DeviceMessage {
  return { deviceId: topic.deviceId, key: topic.key, payload: packet.payload as Buffer, ts: Date.now() };
}

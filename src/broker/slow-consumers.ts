import type { Client } from 'aedes';
import type { Writable } from 'node:stream';
import type { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { RateLimitedLog } from '../observability/rate-limited-log.js';
import {
  aedesWaitForDrain,
  type DrainCallback,
  drainTimerSet,
  setWaitForDrain,
  type WaitForDrain,
} from './aedes-internals.js';
import type { GatewayClient } from './identity.js';

/** Outgoing bytes a connection may have waiting in its socket's buffer (Node's, past the kernel's). */
export interface QueueBounds {
  /** Past this, QoS 0 messages to the connection are dropped (MQTT_MAX_QUEUED_QOS0_BYTES). */
  qos0Bytes: number;
  /** Past this, the connection is closed (MQTT_MAX_QUEUED_BYTES): QoS 1/2 are queued up to here. */
  closeBytes: number;
}

type Forward = <P extends { topic: string; qos?: number }>(client: Client, packet: P) => P | null;
/** The Aedes client fields this policy reads (its private ones through aedes-internals.ts). */
type FlowClient = GatewayClient & {
  conn: Writable;
  /** QoS 0 messages dropped for this connection so far (set once it drops one). */
  qos0Dropped?: number;
  /** Past the QoS 0 bound, until the socket's buffer has drained: QoS 0 messages to it are dropped. */
  qos0Dropping?: boolean;
  flowClosing?: boolean;
};

/**
 * One slow subscriber never slows the others (Mosquitto's policy). Aedes delivers a message to every matching
 * subscriber and acknowledges the publisher's packet (and reads its next one) once every write has completed;
 * a write into a socket past its high-water mark completes only at 'drain'. So a subscriber that stops reading
 * held back, through mqemitter's shared window of messages in flight, every publisher and every subscriber
 * until Aedes' drain timeout closed it (measured with bench:slow-consumer: 50,000 QoS 0 messages took 34 s
 * instead of 4 s). Instead, a write waiting for drain completes at once while the connection's queue is under
 * its bound, and the connection's own socket buffer holds the backlog:
 * - past `qos0Bytes` QoS 0 messages to it are dropped until its buffer has drained (Node's 'drain': empty),
 *   counted per organization, and per client in the log; so a reader slower than its publishers loses
 *   messages in bursts instead of slowing them, and keeps draining (a buffer kept at the bound would never
 *   drain and be closed at the drain timeout);
 * - past `closeBytes` it is closed (a persistent session keeps its QoS 1/2 messages for the next connection);
 * - a socket that has not drained for MQTT_DRAIN_TIMEOUT_MS is closed (Aedes' drainTimeout, counted here).
 */
export class SlowConsumers {
  private aedesWaitForDrain: WaitForDrain | null = null;

  constructor(
    private readonly bounds: QueueBounds,
    private readonly metrics: GatewayMetrics,
    private readonly log: RateLimitedLog,
  ) {}

  /** Applies the policy to a new connection: one shared function, nothing allocated per connection. */
  watch(client: Client): void {
    this.aedesWaitForDrain ??= aedesWaitForDrain(client);
    setWaitForDrain(client, this.waitForDrain as WaitForDrain);
  }

  /**
   * The forwarding filter with the QoS 0 bound in front of Aedes' write. The check runs once per delivery;
   * a message published at QoS 1/2 is not dropped here (a subscription's lower QoS is applied after this
   * hook), it counts against `closeBytes`.
   */
  forward(next: Forward): Forward {
    const limit = this.bounds.qos0Bytes;
    return <P extends { topic: string; qos?: number }>(client: Client, packet: P): P | null => {
      const out = next(client, packet);
      const c = client as FlowClient;
      if (out === null || packet.qos) return out;
      // writableNeedDrain: a write returned false, so Aedes waits for 'drain' (drainSettled ends the dropping).
      if (!c.qos0Dropping && !(c.conn.writableNeedDrain && c.conn.writableLength > limit)) return out;
      this.dropped(c);
      return null;
    };
  }

  private dropped(client: FlowClient): void {
    const before = client.qos0Dropped ?? 0;
    client.qos0Dropped = before + 1;
    client.qos0Dropping = true;
    this.metrics.slowConsumerDrops.inc({ org: String(client.identity?.orgId ?? 'none') });
    if (before === 0) {
      this.log.warn(
        'slow-consumer',
        `${client.id} is not reading its socket: QoS 0 messages to it are dropped past ${this.bounds.qos0Bytes} bytes queued`,
      );
    }
  }

  /** Aedes' write calls this (as the client's method) when the socket's buffer is past its high-water mark. */
  private readonly waitForDrain = ((self: SlowConsumers) =>
    function waitForDrainBounded(this: FlowClient, callback: DrainCallback): void {
      const queued = this.conn.writableLength;
      if (queued > self.bounds.closeBytes) {
        const error = new Error(`${queued} bytes queued for a client that does not read (MQTT_MAX_QUEUED_BYTES)`);
        self.close(this, 'queue_full', error);
        setImmediate(callback, error, this);
        return;
      }
      // Aedes' coalesced drain timer: one per connection until 'drain', which closes it past drainTimeout.
      if (!drainTimerSet(this)) self.aedesWaitForDrain!.call(this, self.drainSettled);
      setImmediate(callback, null, this);
    })(this);

  /** Called by Aedes on 'drain', on its drain timeout (it closes the connection then) or on close. */
  private readonly drainSettled = (err: Error | null, client: unknown): void => {
    const c = client as FlowClient;
    if (!err) c.qos0Dropping = false;
    else if (err.message === 'drain timeout') this.closed(c, 'drain_timeout', err);
  };

  private close(client: FlowClient, reason: string, error: Error): void {
    if (client.flowClosing) return;
    client.flowClosing = true;
    this.closed(client, reason, error);
    client.conn.destroy(error);
  }

  private closed(client: FlowClient, reason: string, error: Error): void {
    this.metrics.flowClosed.inc({ reason });
    const dropped = client.qos0Dropped ? `, ${client.qos0Dropped} QoS 0 messages dropped` : '';
    this.log.warn('slow-consumer-closed', `closing ${client.id}: ${error.message}${dropped}`);
  }
}

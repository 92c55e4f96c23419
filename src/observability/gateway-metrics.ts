import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the gateway (prom-client: the standard Node client, text format and default process metrics). */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();
  /** Open authenticated MQTT connections, every kind together (what /health shows). */
  private openCount = 0;
  /** Connects and disconnects since the last activity summary. */
  private opened = 0;
  private closed = 0;
  readonly connections = new Gauge({
    name: 'gateway_mqtt_connections',
    help: 'Open MQTT connections',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly messagesIn = new Counter({
    name: 'gateway_messages_in_total',
    help: 'Device messages ingested, by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly drops = new Counter({
    name: 'gateway_messages_dropped_total',
    help: 'Messages dropped, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  /** By organization, not by client: a label per client id would grow without bound (the log names the client). */
  readonly slowConsumerDrops = new Counter({
    name: 'gateway_mqtt_slow_consumer_dropped_total',
    help: 'QoS 0 messages not sent to a subscriber that does not read its socket (past MQTT_MAX_QUEUED_QOS0_BYTES), by organization',
    labelNames: ['org'],
    registers: [this.registry],
  });
  readonly flowClosed = new Counter({
    name: 'gateway_mqtt_flow_closed_total',
    help: 'MQTT connections closed by a flow bound: queue_full, drain_timeout, qos2_inflight, qos2_inflight_bytes',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly denials = new Counter({
    name: 'gateway_mqtt_denied_total',
    help: 'Denied MQTT operations',
    labelNames: ['op'],
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'gateway_mqtt_auth_failures_total',
    help: 'Refused MQTT CONNECTs',
    registers: [this.registry],
  });
  readonly authThrottled = new Counter({
    name: 'gateway_auth_throttled_total',
    help: 'Authentications refused without checking, after repeated failures (brute-force throttle), by surface',
    labelNames: ['surface'],
    registers: [this.registry],
  });
  readonly transitions = new Counter({
    name: 'gateway_presence_transitions_total',
    help: 'Presence transitions, by new status',
    labelNames: ['to'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  connectionOpened(kind: string): void {
    this.openCount++;
    this.opened++;
    this.connections.inc({ kind });
  }

  connectionClosed(kind: string): void {
    this.openCount--;
    this.closed++;
    this.connections.dec({ kind });
  }

  openConnections(): number {
    return this.openCount;
  }

  /** The activity summary's MQTT line: connects and disconnects since it was last asked (each is at debug). */
  connectionSummary(): string | null {
    if (this.opened === 0 && this.closed === 0) return null;
    const line = `MQTT: ${this.opened} connected, ${this.closed} disconnected; ${this.openCount} open`;
    this.opened = this.closed = 0;
    return line;
  }
}

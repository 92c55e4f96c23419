import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Aedes, type AedesPublishPacket, type Client } from 'aedes';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { type Socket } from 'node:net';
import { type Duplex } from 'node:stream';
import { DeploymentMode } from '../config/deployment-mode.js';
import { GatewayConfig } from '../config/gateway-config.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { PresenceTracker } from '../devices/presence-tracker.js';
import { Revocations } from '../events/revocations.js';
import { IngestRouter } from '../ingest/ingest-router.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import { Readiness } from '../observability/readiness.js';
import { RateLimitedLog } from '../observability/rate-limited-log.js';
import { TenancyService } from '../tenancy/tenancy.service.js';
import { AuthThrottle } from '../tenancy/auth-throttle.js';
import { type AedesParser, parserOf } from './aedes-internals.js';
import type { BrokerContext } from './broker-context.js';
import { BlynkSession } from './blynk/blynk-session.js';
import { clusterEmitter } from './cluster-emitter.js';
import { clusterPersistence, LocalSessionIndex, RedisSessionIndex, type SessionIndex } from './cluster-persistence.js';
import { FrameGuard } from './frame-guard.js';
import { MqttListeners } from './mqtt-listeners.js';
import { boundedQos2Publish } from './inbound-qos2.js';
import { SlowConsumers } from './slow-consumers.js';
import { WriteCoalescer } from './write-coalescing.js';
import { authenticate, preConnect } from './handlers/connect.js';
import { type GatewayClient, isBlynk } from './identity.js';
import { preConnectRules } from './handlers/connect-rules.js';
import { authorizePublish } from './handlers/publish.js';
import { authorizeForward, authorizeSubscribe } from './handlers/subscribe.js';
import { SessionRevoker } from './session-revoker.js';
import { backgroundErrors } from '../observability/rate-limited-log.js';
import { STOP_WAIT_MS, StopReport } from '../observability/stop-report.js';
import { within } from '../common/within.js';

type GuardedParser = AedesParser & { guard?: FrameGuard; closing?: boolean };
export type MessageHandler = (packet: AedesPublishPacket) => void;

/**
 * The embedded Aedes broker, fed by its listeners (MqttListeners: TCP, TLS when configured, WebSocket on the
 * HTTP server), and what the rest of the gateway may do with it: publish, subscribe in-process, close an
 * identity's sessions. Nobody else touches Aedes.
 */
@Injectable()
export class BrokerService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('mqtt');
  private readonly flowLog: RateLimitedLog;
  private aedes!: Aedes;
  private readonly ctx: BrokerContext;
  private readonly listeners: MqttListeners;
  private parserParse: GuardedParser['parse'] | null = null;
  private stopping: Promise<void> | null = null;
  private sessionIndex: SessionIndex = new LocalSessionIndex();
  private sharedStore: { destroy(): Promise<void> } | null = null;
  private readonly slowConsumers: SlowConsumers;
  private readonly writes = new WriteCoalescer();

  constructor(
    private readonly config: GatewayConfig,
    registry: DeviceRegistry,
    presence: PresenceTracker,
    private readonly metrics: GatewayMetrics,
    tenancy: TenancyService,
    throttle: AuthThrottle,
    ingest: IngestRouter,
    private readonly revocations: Revocations,
    private readonly http: HttpAdapterHost,
    readiness: Readiness,
    private readonly mode: DeploymentMode,
    private readonly stopReport: StopReport,
  ) {
    readiness.listenersFrom(() => this.listening);
    this.ctx = {
      config,
      registry,
      presence,
      metrics,
      tenancy,
      ingest,
      throttle,
      connectionLog: new RateLimitedLog(this.logger),
      blynk: new BlynkSession({ config, registry, metrics, ingest }),
    };
    this.flowLog = new RateLimitedLog(this.logger);
    const queue = { qos0Bytes: config.MQTT_MAX_QUEUED_QOS0_BYTES, closeBytes: config.MQTT_MAX_QUEUED_BYTES };
    this.slowConsumers = new SlowConsumers(queue, metrics, this.flowLog);
    this.listeners = new MqttListeners(config, metrics, this.logger, (stream, req) => this.handle(stream, req));
  }

  get tcpPort(): number {
    return this.listeners.tcpPort;
  }

  get tlsPort(): number {
    return this.listeners.tlsPort;
  }

  /** Creates the broker; BrokerTransport opens it to clients once every module is up. */
  async onModuleInit(): Promise<void> {
    const c = this.config;
    // Every failed reconnection of each Redis client is reported while Redis is away: a few lines a minute.
    const redisErrors = backgroundErrors(this.logger, this.stopReport);
    const redisError = (e: Error) => redisErrors.error('redis', `redis: ${e.message}`);
    const busUrl = this.mode.busUrl;
    if (busUrl) this.sharedStore = clusterPersistence(busUrl, redisError) as { destroy(): Promise<void> };
    // At least one packet of the largest size fits the QoS 2 window.
    const inflight = {
      count: c.MQTT_MAX_INFLIGHT_QOS2,
      bytes: Math.max(c.MQTT_MAX_INFLIGHT_QOS2_BYTES, c.MQTT_MAX_PACKET_BYTES),
    };
    this.aedes = await Aedes.createBroker({
      connectTimeout: c.MQTT_CONNECT_TIMEOUT_MS,
      // No keepaliveLimit: it answers 0x06, unknown to MQTT 3.1.1; preConnectRules answers 0x02 (Mosquitto).
      drainTimeout: c.MQTT_DRAIN_TIMEOUT_MS,
      heartbeatInterval: c.MQTT_HEARTBEAT_MS,
      maxInflightInbound: c.MQTT_MAX_INFLIGHT_QOS2, // a backstop: boundedQos2Publish closes first
      preConnect: preConnectRules(this.ctx, preConnect),
      authenticate: authenticate(this.ctx),
      authorizePublish: boundedQos2Publish(authorizePublish(this.ctx), inflight, this.metrics, this.flowLog),
      authorizeSubscribe: authorizeSubscribe(this.ctx),
      authorizeForward: this.slowConsumers.forward(authorizeForward(this.ctx)) as never,
      // several instances: one message bus, one store of sessions and retained messages
      ...(busUrl
        ? {
            mq: await clusterEmitter(busUrl, redisError),
            persistence: this.sharedStore as never,
          }
        : {}),
    });
    if (busUrl) this.sessionIndex = new RedisSessionIndex(busUrl, redisError);
    const sessions = new SessionRevoker(this.aedes, this.sessionIndex);
    this.aedes.on('client', (client) => {
      if (isBlynk((client as GatewayClient).identity)) this.ctx.blynk.connected(client);
    });
    this.aedes.on('clientError', (client, err) => this.logger.debug(`client ${client.id}: ${err.message}`));
    this.aedes.on('connectionError', (_client, err) => this.logger.debug(`connection: ${err.message}`));
    this.revocations.onRevoked((r) => sessions.revoke(r));
  }

  /** MQTT over WebSocket on the HTTP server's port, at MQTT_WS_PATH (the upgrade is served once HTTP listens). */
  onApplicationBootstrap(): void {
    const server = this.http.httpAdapter?.getHttpServer() as HttpServer | undefined;
    if (server) this.listeners.openWebSocket(server);
  }

  /** Opens the TCP (and TLS) listeners. */
  listen(): Promise<void> {
    return this.listeners.listen();
  }

  /** Publishes as the gateway itself (downlinks): no ACL, routed to every matching subscriber. */
  publish(topic: string, payload: Buffer | string, qos: 0 | 1 = 1, retain = false): Promise<void> {
    const packet = { cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain, dup: false };
    return new Promise((resolve, reject) =>
      this.aedes.publish(packet as AedesPublishPacket, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** An in-process subscription (device replies): `handler` sees every message matching `filter`. */
  subscribe(filter: string, handler: MessageHandler): void {
    this.aedes.subscribe(
      filter,
      (packet, cb) => {
        handler(packet as AedesPublishPacket);
        cb();
      },
      () => {},
    );
  }

  /**
   * Every connection passes the frame guard before Aedes' parser; its writes go out once per loop turn; its
   * outgoing queue is bounded.
   */
  private handle(stream: Duplex | Socket, req?: IncomingMessage): void {
    this.writes.coalesce(stream);
    const client = this.aedes.handle(stream, req) as Client;
    this.slowConsumers.watch(client);
    const parser: GuardedParser = parserOf(client);
    this.parserParse ??= (Object.getPrototypeOf(parser) as GuardedParser).parse;
    parser.guard = new FrameGuard(this.config.MQTT_MAX_PACKET_BYTES);
    parser.parse = this.guardedParse;
  }

  /** Shared by every connection's parser (`this`), so a connection costs no closure: guard first, then parse. */
  private readonly guardedParse = ((service: BrokerService) =>
    function guardedParse(this: GuardedParser, buf: Buffer): unknown {
      const guard = this.guard!;
      if (guard.check(buf)) return service.parserParse!.call(this, buf);
      if (this.closing) return 0; // the guard stays failed: one refusal per connection
      this.closing = true;
      service.metrics.drops.inc({ reason: 'protocol_violation' });
      service.logger.warn(`closing ${this.client.id ?? 'connection'}: ${guard.error}`);
      // A refusal the spec requires (CONNACK 0x01 for an unserved protocol level) is written before the close.
      const client = this.client;
      if (guard.reply) client.conn.write(guard.reply, () => client.close());
      else client.close();
      return 0;
    })(this);

  /**
   * The first step of a stop (destroy hooks run before every other shutdown hook): no message is accepted
   * once the delivery claims give up their lease and the write-behinds take their last turn, so nothing is
   * acknowledged after the state it depends on was written for the last time.
   */
  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /** Whether every MQTT listener accepts connections (/health/ready asks). */
  get listening(): boolean {
    return this.stopping === null && this.listeners.listening;
  }

  /** Closes the listeners and the broker: every client is disconnected. Once, however often it is asked. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.listeners.closeWebSocket();
      // Bounded: with Redis gone, the shared bus and store never finish closing (their clients wait to reconnect).
      if (this.aedes) await within(new Promise<void>((r) => this.aedes.close(() => r())), STOP_WAIT_MS);
      await this.listeners.closeServers();
      await this.sessionIndex.close();
      if (this.sharedStore) await within(this.sharedStore.destroy(), STOP_WAIT_MS); // Aedes' close leaves it open
    })();
    return this.stopping;
  }
}

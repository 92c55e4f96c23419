import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Aedes, type AedesPublishPacket, type Client } from 'aedes';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { type Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { GatewayConfig } from '../config/gateway-config.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { PresenceTracker } from '../devices/presence-tracker.js';
import { Revocations } from '../events/revocations.js';
import { IngestRouter } from '../ingest/ingest-router.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import { TenancyService } from '../tenancy/tenancy.service.js';
import type { BrokerContext } from './broker-context.js';
import { clusterEmitter } from './cluster-emitter.js';
import { FrameGuard } from './frame-guard.js';
import { authenticate, preConnect } from './handlers/connect.js';
import { authorizePublish } from './handlers/publish.js';
import { authorizeForward, authorizeSubscribe } from './handlers/subscribe.js';
import type { GatewayClient } from './identity.js';

type ParserHolder = { _parser: { parse(buf: Buffer): unknown } };
export type MessageHandler = (packet: AedesPublishPacket) => void;

/**
 * The embedded Aedes broker and its listeners (TCP, TLS when configured, WebSocket on the HTTP server), and
 * what the rest of the gateway may do with it: publish, subscribe in-process, close an identity's sessions.
 * Nobody else touches Aedes.
 */
@Injectable()
export class BrokerService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('mqtt');
  private aedes!: Aedes;
  private readonly ctx: BrokerContext;
  private readonly servers: NetServer[] = [];
  private wss: WebSocketServer | null = null;
  tcpPort = 0;
  tlsPort = 0;

  constructor(
    private readonly config: GatewayConfig,
    registry: DeviceRegistry,
    presence: PresenceTracker,
    private readonly metrics: GatewayMetrics,
    tenancy: TenancyService,
    ingest: IngestRouter,
    private readonly revocations: Revocations,
    private readonly http: HttpAdapterHost,
  ) {
    this.ctx = { config, registry, presence, metrics, tenancy, ingest };
  }

  /** Creates the broker; BrokerTransport opens it to clients once every module is up. */
  async onModuleInit(): Promise<void> {
    const c = this.config;
    this.aedes = await Aedes.createBroker({
      connectTimeout: c.MQTT_CONNECT_TIMEOUT_MS,
      keepaliveLimit: c.MQTT_KEEPALIVE_LIMIT_S,
      drainTimeout: 30000,
      preConnect,
      authenticate: authenticate(this.ctx),
      authorizePublish: authorizePublish(this.ctx),
      authorizeSubscribe: authorizeSubscribe(this.ctx),
      authorizeForward: authorizeForward(this.ctx) as never,
      // several instances: one message bus
      ...(c.REDIS_URL ? { mq: clusterEmitter(c.REDIS_URL, (e) => this.logger.error(`redis: ${e.message}`)) } : {}),
    });
    this.aedes.on('clientError', (client, err) => this.logger.debug(`client ${client.id}: ${err.message}`));
    this.aedes.on('connectionError', (_client, err) => this.logger.debug(`connection: ${err.message}`));
    this.revocations.onRevoked((identityId) => this.disconnect(identityId));
  }

  /** MQTT over WebSocket on the HTTP server's port, at MQTT_WS_PATH (the upgrade is served once HTTP listens). */
  onApplicationBootstrap(): void {
    const server = this.http.httpAdapter?.getHttpServer() as HttpServer | undefined;
    if (!server) return;
    this.wss = new WebSocketServer({ server, path: this.config.MQTT_WS_PATH });
    this.wss.on('connection', (ws, req) => this.handle(createWebSocketStream(ws), req));
  }

  /** Opens the TCP (and TLS) listeners. */
  async listen(): Promise<void> {
    const c = this.config;
    const tcp = createServer((socket) => this.handle(socket));
    this.tcpPort = await this.bind(tcp, c.MQTT_PORT, c.MQTT_HOST);
    if (c.MQTT_TLS_CERT && c.MQTT_TLS_KEY) {
      const tls = createTlsServer(
        { cert: readFileSync(c.MQTT_TLS_CERT), key: readFileSync(c.MQTT_TLS_KEY) },
        (socket) => this.handle(socket),
      );
      this.tlsPort = await this.bind(tls, c.MQTT_TLS_PORT, c.MQTT_HOST);
    }
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

  /** Closes every connection of an identity: a device or agent id, or `token:<id>` of a service client. */
  disconnect(identityId: string): void {
    // Aedes keeps its live clients in `clients` (by client id); its typings do not declare it.
    const clients = (this.aedes as unknown as { clients?: Record<string, GatewayClient> } | undefined)?.clients ?? {};
    for (const client of Object.values(clients)) {
      if (client.identity?.id === identityId) client.close();
    }
  }

  /** Every connection passes the frame guard before Aedes' parser. */
  private handle(stream: Duplex | Socket, req?: IncomingMessage): void {
    const client = this.aedes.handle(stream, req) as Client & ParserHolder;
    const guard = new FrameGuard(this.config.MQTT_MAX_PACKET_BYTES);
    const parser = client._parser;
    const parse = parser.parse.bind(parser);
    parser.parse = (buf: Buffer) => {
      if (guard.check(buf)) return parse(buf);
      this.metrics.drops.inc({ reason: 'protocol_violation' });
      this.logger.warn(`closing ${client.id ?? 'connection'}: ${guard.error}`);
      client.close();
      return 0;
    };
  }

  private bind(server: NetServer, port: number, host: string): Promise<number> {
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
    });
  }

  /** Closes the listeners and the broker: every client is disconnected. */
  async stop(): Promise<void> {
    this.wss?.close();
    if (this.aedes) await new Promise<void>((r) => this.aedes.close(() => r()));
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
  }
}

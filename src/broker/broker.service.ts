import { Injectable, Logger } from '@nestjs/common';
import { Aedes, type Client } from 'aedes';
import { readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { type Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { GatewayConfig } from '../config/gateway-config.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { PresenceTracker } from '../devices/presence-tracker.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import { TenancyService } from '../tenancy/tenancy.service.js';
import { AuthThrottle } from '../tenancy/auth-throttle.js';
import type { AcceptedPublish, BrokerContext } from './broker-context.js';
import { FrameGuard } from './frame-guard.js';
import type { GatewayClient, Identity } from './identity.js';
import { authenticate, preConnect } from './handlers/connect.js';
import { preConnectRules, sessionId } from './handlers/connect-rules.js';
import { authorizePublish } from './handlers/publish.js';
import { authorizeForward, authorizeSubscribe } from './handlers/subscribe.js';

/** The aedes-persistence calls `revoke` uses (its typings declare fewer). */
interface SessionStore {
  cleanSubscriptions(client: { id: string }): Promise<void>;
  cleanIncoming?(client: { id: string }): Promise<void>;
  delWill(client: { id: string }): Promise<unknown>;
  outgoingStream(client: { id: string }): AsyncIterable<object>;
  outgoingClearMessageId(client: { id: string }, packet: object): Promise<unknown>;
  createRetainedStream(pattern: string): AsyncIterable<object>;
  storeRetained(packet: object): Promise<void>;
}

type ParserHolder = { _parser: { parse(buf: Buffer): unknown } };

/** The embedded Aedes broker and its listeners: TCP, TLS when configured, WebSocket on the HTTP server. */
@Injectable()
export class BrokerService {
  private readonly logger = new Logger('mqtt');
  aedes!: Aedes;
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
  ) {
    this.ctx = {
      config,
      registry,
      presence,
      metrics,
      tenancy,
      throttle: new AuthThrottle(),
      accepted: (_p, _c, done) => done(null),
    };
    tenancy.onTokenRevoked((tokenId) => this.revoke('service', `token:${tokenId}`));
  }

  /** Internal ids (see connect-rules.ts) of sessions opened with CleanSession=0: what `revoke` must forget. */
  private readonly persistentSessions = new Set<string>();

  /** Where accepted PUBLISH packets go (the ingest transport); its callback lets Aedes acknowledge them. */
  onAccepted(handler: AcceptedPublish): void {
    this.ctx.accepted = handler;
  }

  private readonly ctx: BrokerContext;

  get connectedClients(): number {
    return this.aedes?.connectedClients ?? 0;
  }

  /** Creates the broker; `listen()` opens it to clients once ingest is wired. */
  async init(): Promise<void> {
    const c = this.config;
    this.aedes = await Aedes.createBroker({
      connectTimeout: c.MQTT_CONNECT_TIMEOUT_MS,
      // No keepaliveLimit: it answers 0x06, unknown to MQTT 3.1.1; preConnectRules answers 0x02 (Mosquitto).
      drainTimeout: 30000,
      preConnect: preConnectRules(this.ctx, preConnect),
      authenticate: authenticate(this.ctx),
      authorizePublish: authorizePublish(this.ctx),
      authorizeSubscribe: authorizeSubscribe(this.ctx),
      authorizeForward: authorizeForward(this.ctx) as never,
    });
    this.aedes.on('client', (client) => {
      if (client.clean) this.persistentSessions.delete(client.id);
      else this.persistentSessions.add(client.id);
    });
    this.aedes.on('clientError', (client, err) => this.logger.debug(`client ${client.id}: ${err.message}`));
    this.aedes.on('connectionError', (_client, err) => this.logger.debug(`connection: ${err.message}`));
  }

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

  /** Closes every connection of a device or agent: after its deletion or a token rotation. */
  disconnect(ownerId: string): void {
    // Aedes keeps its live clients in `clients` (by client id); its typings do not declare it.
    const clients = (this.aedes as unknown as { clients?: Record<string, GatewayClient> } | undefined)?.clients ?? {};
    for (const client of Object.values(clients)) {
      if (client.identity?.id === ownerId) client.close();
    }
  }

  /**
   * Ends an identity's access at once, after its deletion or revocation: closes its live connections (without
   * their wills), then forgets its persistent sessions (subscriptions, queued and in-flight messages, will) and,
   * with `retainedUnder`, the retained messages under that topic prefix (a device's `devices/{id}/`), so an
   * identity recreated under the same id starts with nothing of its predecessor's.
   */
  async revoke(kind: Identity['kind'], id: string, retainedUnder?: string): Promise<void> {
    if (!this.aedes) return;
    const clients = (this.aedes as unknown as { clients?: Record<string, GatewayClient> }).clients ?? {};
    const closing: Promise<void>[] = [];
    for (const client of Object.values(clients)) {
      if (client.identity?.kind !== kind || client.identity.id !== id) continue;
      (client as unknown as { will: unknown }).will = null;
      closing.push(new Promise((r) => client.close(() => r())));
    }
    await Promise.all(closing);
    const p = (this.aedes as unknown as { persistence: SessionStore }).persistence;
    const prefix = sessionId({ kind, id, orgId: 0 } as Identity, '');
    for (const sid of [...this.persistentSessions]) {
      if (!sid.startsWith(prefix)) continue;
      this.persistentSessions.delete(sid);
      const who = { id: sid };
      await p.cleanSubscriptions(who);
      if (p.cleanIncoming) await p.cleanIncoming(who);
      await p.delWill(who);
      // One clear per queued packet empties the queue (each call removes one packet with that message id).
      for await (const packet of p.outgoingStream(who)) await p.outgoingClearMessageId(who, packet);
    }
    if (retainedUnder) {
      for await (const packet of p.createRetainedStream(`${retainedUnder}#`) as AsyncIterable<{ topic: string }>) {
        await p.storeRetained({ ...packet, payload: Buffer.alloc(0) });
      }
    }
  }

  /** MQTT over WebSocket on the HTTP server's port, at MQTT_WS_PATH. */
  attachWebSocket(server: HttpServer): void {
    // ws buffers a whole frame before the frame guard sees a byte: cap frames at the packet limit (+ slack for
    // an MQTT fixed header); a bigger one is refused by ws from its frame header with close code 1009.
    this.wss = new WebSocketServer({
      server,
      path: this.config.MQTT_WS_PATH,
      maxPayload: this.config.MQTT_MAX_PACKET_BYTES + 16,
    });
    this.wss.on('connection', (ws, req) => this.handle(createWebSocketStream(ws), req));
  }

  /** Every connection passes the frame guard before Aedes' parser. */
  private handle(stream: Duplex | Socket, req?: import('node:http').IncomingMessage): void {
    // TCP keepalive probes: a peer that vanished without a FIN is noticed even when MQTT keepalive is long.
    if ('setKeepAlive' in stream) stream.setKeepAlive(true, 60_000);
    else req?.socket.setKeepAlive(true, 60_000);
    const client = this.aedes.handle(stream, req) as Client & ParserHolder;
    const guard = new FrameGuard(this.config.MQTT_MAX_PACKET_BYTES);
    const parser = client._parser;
    const parse = parser.parse.bind(parser);
    let closing = false;
    parser.parse = (buf: Buffer) => {
      if (guard.check(buf)) return parse(buf);
      if (closing) return 0;
      closing = true;
      this.metrics.drops.inc({ reason: 'protocol_violation' });
      this.logger.warn(`closing ${client.id ?? 'connection'}: ${guard.error}`);
      // A refusal the spec requires (CONNACK 0x01 for an unserved protocol level) is written before the close.
      if (guard.reply) stream.write(guard.reply, () => client.close());
      else client.close();
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

  async stop(): Promise<void> {
    this.wss?.close();
    if (this.aedes) await new Promise<void>((r) => this.aedes.close(() => r()));
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise((r) => {
            s.close(r);
          }),
      ),
    );
  }
}

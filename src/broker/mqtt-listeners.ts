import type { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server as NetServer, type Socket } from 'node:net';
import { type Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { WebSocketServer } from 'ws';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { GatewayMetrics } from '../observability/gateway-metrics.js';
import { listenHandleOf } from './aedes-internals.js';
import { mqttWebSocketStream, selectSubprotocol } from './websocket-stream.js';

/**
 * Connections the kernel completes before they are accepted. Node's default (511) overflowed in connect bursts
 * (thousands of devices reconnecting at once): the kernel then drops the handshake's last ACK and the client
 * waits a second for a retransmission (measured: 24,640 ListenOverflows in one 19,000-connection run, and the
 * connect rate fell from ~3,000/s to under 1,000/s with more connects in flight). Capped by net.core.somaxconn.
 */
const LISTEN_BACKLOG = 4096;
/** TCP keepalive probes after this much silence: a peer that vanished without a FIN is noticed. */
const TCP_KEEPALIVE_S = 60;

/** Takes an accepted connection (its TCP keepalive already set) to the broker. */
export type ConnectionHandler = (stream: Duplex | Socket, req?: IncomingMessage) => void;

/**
 * The MQTT listeners: TCP, TLS when configured, and WebSocket on the HTTP server. They bind, give every
 * accepted connection TCP keepalive, survive failed accepts, and hand each connection to the broker.
 */
export class MqttListeners {
  private readonly servers: NetServer[] = [];
  private wss: WebSocketServer | null = null;
  private lastAcceptLog = 0;
  /** Whether TCP/TLS connections inherit keepalive from their listener (so it is not set per connection). */
  private keepAliveInherited = true;
  tcpPort = 0;
  tlsPort = 0;

  constructor(
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
    private readonly onConnection: ConnectionHandler,
  ) {}

  /** MQTT over WebSocket on the HTTP server's port, at MQTT_WS_PATH (the upgrade is served once HTTP listens). */
  openWebSocket(server: HttpServer): void {
    // ws buffers a whole frame before the frame guard sees a byte: cap frames at the packet limit (+ slack for
    // an MQTT fixed header); a bigger one is refused by ws from its frame header with close code 1009.
    this.wss = new WebSocketServer({
      server,
      path: this.config.MQTT_WS_PATH,
      maxPayload: this.config.MQTT_MAX_PACKET_BYTES + 16,
      handleProtocols: selectSubprotocol,
    });
    this.wss.on('connection', (ws, req) => this.accept(mqttWebSocketStream(ws), req, false));
    // ws re-emits the HTTP server's errors (a busy HTTP_PORT); listen() reports them to start-up.
    this.wss.on('error', () => undefined);
  }

  /** Opens the TCP (and TLS) listeners. */
  async listen(): Promise<void> {
    const c = this.config;
    const tcp = createServer((socket) => this.accept(socket, undefined, this.keepAliveInherited));
    this.tcpPort = await this.bind(tcp, c.MQTT_PORT, c.MQTT_HOST);
    if (c.MQTT_TLS_CERT && c.MQTT_TLS_KEY) {
      const tls = createTlsServer(
        { cert: readFileSync(c.MQTT_TLS_CERT), key: readFileSync(c.MQTT_TLS_KEY) },
        (socket) => this.accept(socket, undefined, this.keepAliveInherited),
      );
      this.tlsPort = await this.bind(tls, c.MQTT_TLS_PORT, c.MQTT_HOST);
    }
  }

  /** Whether every TCP/TLS listener accepts connections. */
  get listening(): boolean {
    return this.servers.length > 0 && this.servers.every((s) => s.listening);
  }

  /** Stops WebSocket upgrades (the first step of a stop; the TCP/TLS listeners close after the broker). */
  closeWebSocket(): void {
    this.wss?.close();
  }

  closeServers(): Promise<unknown> {
    return Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
  }

  private accept(stream: Duplex | Socket, req: IncomingMessage | undefined, keepAliveSet: boolean): void {
    // TCP keepalive probes: a peer that vanished without a FIN is noticed even when MQTT keepalive is long.
    // TCP and TLS connections inherit them from their listener (see inheritKeepAlive); WebSocket ones come
    // through the HTTP server's socket.
    if (!keepAliveSet) {
      if ('setKeepAlive' in stream) stream.setKeepAlive(true, TCP_KEEPALIVE_S * 1000);
      else req?.socket.setKeepAlive(true, TCP_KEEPALIVE_S * 1000);
    }
    this.onConnection(stream, req);
  }

  private bind(server: NetServer, port: number, host: string): Promise<number> {
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
        server.off('error', reject);
        this.inheritKeepAlive(server);
        server.on('error', (err) => this.acceptFailed(err));
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  /**
   * Keepalive on the listening socket: Linux copies SO_KEEPALIVE and its idle time to every connection accepted
   * from it, so no connection needs three `setsockopt` calls of its own (2% of the gateway's CPU in a connect
   * burst). Node has no public call for a listener's socket options; where its handle has none, or the call
   * fails, every connection sets keepalive itself as before.
   */
  private inheritKeepAlive(server: NetServer): void {
    const listening = listenHandleOf(server);
    const inherited = process.platform === 'linux' && listening?.setKeepAlive?.(true, TCP_KEEPALIVE_S) === 0;
    if (!inherited) this.keepAliveInherited = false;
  }

  /**
   * An accept that failed, e.g. EMFILE at the open-file limit: libuv has closed that connection already (the
   * client sees a clean close) and the listener goes on. Without this handler the 'error' would end the process.
   */
  private acceptFailed(err: Error): void {
    this.metrics.drops.inc({ reason: 'accept_failed' });
    const now = Date.now();
    if (now - this.lastAcceptLog < 1000) return;
    this.lastAcceptLog = now;
    this.logger.warn(`accepting an MQTT connection failed: ${err.message}`);
  }
}

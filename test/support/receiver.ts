import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import type { MqttClient } from 'mqtt';
import { auth, createDevice, deviceClient, endClient, startTestGateway, type TestGateway } from './harness.js';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}
/** Returns the reply, or 'hang' to never answer. */
export type Handler = (req: Received, n: number) => Reply | 'hang';

/** A real HTTP receiver on 127.0.0.1 that records every request and answers as told. */
export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  on(handler: Handler): void;
  /** Back to the handler the receiver was started with (call it in afterEach). */
  reset(): void;
  /** Requests to `path` (default: all), once at least `n` arrived. */
  wait(n: number, path?: string, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(handler: Handler = () => ({ status: 200, body: 'ok' })): Promise<Receiver> {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  let current = handler;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        method: req.method!,
        path: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      };
      received.push(r);
      const reply = current(r, received.length);
      if (reply === 'hang') {
        hanging.push(res);
        return;
      }
      const send = () => res.writeHead(reply.status ?? 200, reply.headers ?? {}).end(reply.body ?? '');
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    on(h) {
      current = h;
    },
    reset() {
      current = handler;
    },
    async wait(n, path, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      const matching = () => received.filter((r) => !path || r.path.split('?')[0] === path);
      while (matching().length < n) {
        if (Date.now() > until)
          throw new Error(
            `receiver: ${matching().length} of ${n} requests to ${path ?? 'any path'} within ${timeoutMs} ms`,
          );
        await new Promise((r) => setTimeout(r, 10));
      }
      return matching();
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export const WEBHOOKS = '/api/v1/organization/webhooks';

/** A loopback port nothing listens on: connections to it are refused (an endpoint that is gone). */
export async function deadPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Test gateway settings for delivery: plain http to 127.0.0.1 allowed, retries compressed. */
export const DELIVERY_ENV = {
  WEBHOOK_ALLOW_HTTP: 'true',
  WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
  WEBHOOK_RETRY_SCHEDULE_MS: '0,100,200',
};

export async function createWebhook(
  gw: TestGateway,
  body: Record<string, unknown>,
  token?: string,
): Promise<Record<string, any>> {
  const res = await gw
    .http()
    .post(WEBHOOKS)
    .set(auth(token))
    .send({ name: `hook ${Math.random().toString(36).slice(2, 10)}`, ...body });
  if (res.status !== 201) throw new Error(`create webhook: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, any>;
}

/**
 * How many events webhook `webhookId` has matched so far, whatever became of them (the delivery buckets of
 * /metrics). Matching is synchronous and committed before a QoS 1 PUBACK, so once the triggering calls have
 * returned this count is final: with that many callbacks received, no further one can come.
 */
export async function matchedEvents(gw: TestGateway, webhookId: number): Promise<number> {
  const text = (await gw.http().get('/metrics')).text;
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`gateway_webhook_deliveries{webhook_id="${webhookId}",`)) n += Number(line.split(' ').at(-1));
  }
  return n;
}

export async function deliveries(
  gw: TestGateway,
  webhookId: number,
  query = '',
  token?: string,
): Promise<Record<string, any>> {
  const res = await gw.http().get(`${WEBHOOKS}/${webhookId}/deliveries${query}`).set(auth(token));
  if (res.status !== 200) throw new Error(`deliveries: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, any>;
}

/** What the delivery suites share: a receiver, a gateway set up for delivery, and one connected device. */
export interface DeliveryRig {
  gw: TestGateway;
  rx: Receiver;
  device: { id: string; token: string };
  client: MqttClient;
  stop(): Promise<void>;
}

export async function startDeliveryRig(
  opts: { env?: Record<string, string>; handler?: Handler; device?: Record<string, unknown> } = {},
): Promise<DeliveryRig> {
  const rx = await startReceiver(opts.handler);
  const gw = await startTestGateway({ ...DELIVERY_ENV, ...opts.env });
  const device = await createDevice(gw, opts.device);
  const client = await deviceClient(gw, device);
  return {
    gw,
    rx,
    device,
    client,
    async stop() {
      await endClient(client);
      await gw.stop();
      await rx.close();
    },
  };
}

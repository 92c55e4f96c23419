import axios, { type AxiosInstance } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import type { TargetGuard } from '../../common/target-guard.js';
import {
  describeFailure,
  type HttpClientLimits,
  type OutboundRequest,
  type OutboundResponse,
  readCapped,
  type WebhookHttpClient,
} from './webhook-http-client.js';

/** axios with keep-alive agents whose sockets resolve through the guard; no redirects, no proxy from the env. */
export class AxiosWebhookClient implements WebhookHttpClient {
  readonly http: AxiosInstance;
  private readonly agents: [HttpAgent, HttpsAgent];

  constructor(
    private readonly guard: TargetGuard,
    private readonly limits: HttpClientLimits,
  ) {
    const opts = { keepAlive: true, lookup: guard.lookup };
    this.agents = [new HttpAgent(opts), new HttpsAgent(opts)];
    this.http = axios.create({
      httpAgent: this.agents[0],
      httpsAgent: this.agents[1],
      maxRedirects: 0,
      proxy: false,
      validateStatus: () => true,
      responseType: 'stream',
      decompress: true,
      transformResponse: (d: unknown) => d,
    });
  }

  async send(req: OutboundRequest): Promise<OutboundResponse> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException('deadline', 'TimeoutError')), this.limits.deadlineMs);
    try {
      this.guard.assertHost(new URL(req.url).hostname);
      const res = await this.http.request<Readable>({
        url: req.url,
        method: req.method,
        headers: req.headers,
        data: req.body || undefined,
        signal: abort.signal,
      });
      const body = await readCapped(res.data, this.limits.maxResponseBytes);
      return { status: res.status, headers: res.headers as OutboundResponse['headers'], body };
    } catch (err) {
      throw describeFailure(err, this.limits.deadlineMs);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    for (const a of this.agents) a.destroy();
  }
}

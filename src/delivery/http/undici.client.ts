import { Agent, request } from 'undici';
import type { TargetGuard } from './target-guard.js';
import {
  describeFailure, type HttpClientLimits, type OutboundRequest, type OutboundResponse, readCapped, type WebhookHttpClient,
} from './webhook-http-client.js';

/** undici: keep-alive pools per origin; redirects are not followed (no redirect interceptor is installed). */
export class UndiciWebhookClient implements WebhookHttpClient {
  private readonly agent: Agent;

  constructor(private readonly guard: TargetGuard, private readonly limits: HttpClientLimits) {
    this.agent = new Agent({ connect: { lookup: guard.lookup, timeout: limits.deadlineMs }, keepAliveTimeout: 10_000, connections: 64 });
  }

  async send(req: OutboundRequest): Promise<OutboundResponse> {
    try {
      this.guard.assertHost(new URL(req.url).hostname);
      const res = await request(req.url, {
        dispatcher: this.agent, method: req.method as 'POST', headers: req.headers, body: req.body || undefined,
        signal: AbortSignal.timeout(this.limits.deadlineMs),
      });
      const body = await readCapped(res.body, this.limits.maxResponseBytes);
      return { status: res.statusCode, headers: res.headers, body };
    } catch (err) {
      throw describeFailure(err, this.limits.deadlineMs);
    }
  }

  close(): Promise<void> { return this.agent.close(); }
}

import { Agent, type Dispatcher } from 'undici';
import type { TargetGuard } from '../../common/target-guard.js';
import {
  describeFailure,
  type HttpClientLimits,
  type OutboundRequest,
  type OutboundResponse,
  type WebhookHttpClient,
} from './webhook-http-client.js';

interface Target {
  origin: string;
  path: string;
}
const TARGETS_CACHED = 10_000;

/**
 * undici through its `dispatch` handler API — no response stream, no promise per chunk, one plain timer for
 * the whole attempt (connect + headers + body). Keep-alive connections per origin, with no limit on their
 * number: the dispatcher bounds concurrency per webhook, so a hanging endpoint cannot take the sockets of
 * another webhook on the same host. Redirects are not followed (no redirect interceptor is installed).
 */
export class UndiciWebhookClient implements WebhookHttpClient {
  private readonly agent: Agent;
  /** URL → where it goes, checked by the guard: parsing and checking once per URL, not per attempt. */
  private readonly targets = new Map<string, Target>();

  constructor(
    private readonly guard: TargetGuard,
    private readonly limits: HttpClientLimits,
  ) {
    this.agent = new Agent({ connect: { lookup: guard.lookup, timeout: limits.deadlineMs }, keepAliveTimeout: 10_000 });
  }

  send(req: OutboundRequest): Promise<OutboundResponse> {
    const { deadlineMs, maxResponseBytes: cap } = this.limits;
    return new Promise((resolve, reject) => {
      let url: Target;
      try {
        url = this.target(req.url);
      } catch (err) {
        return reject(describeFailure(err, deadlineMs));
      }
      let controller: Dispatcher.DispatchController | null = null;
      let timedOut = false;
      let settled = false;
      let status = 0;
      let headers: OutboundResponse['headers'] = {};
      const chunks: Buffer[] = [];
      let size = 0;
      const deadline = () => new DOMException('deadline', 'TimeoutError'); // created only when needed: it captures a stack
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(describeFailure(err, deadlineMs));
      };
      // The deadline settles the attempt itself — also while undici still holds the request in its queue,
      // before any controller exists — and then aborts whatever is under way.
      const timer = setTimeout(() => {
        timedOut = true;
        fail(deadline());
        controller?.abort(deadline());
      }, deadlineMs);
      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status, headers, body: Buffer.concat(chunks, size).toString('utf8') });
      };
      this.agent.dispatch(
        {
          origin: url.origin,
          path: url.path,
          method: req.method as Dispatcher.HttpMethod,
          headers: req.headers,
          body: req.body || null,
        },
        {
          onRequestStart(c) {
            controller = c;
            if (timedOut) c.abort(deadline());
          },
          onResponseStart(_c, statusCode, h) {
            status = statusCode;
            headers = h;
          },
          onResponseData(c, chunk) {
            if (size + chunk.length < cap) {
              chunks.push(chunk);
              size += chunk.length;
              return;
            }
            // The cap is reached: keep what fits and stop reading (the connection is given up).
            chunks.push(chunk.subarray(0, cap - size));
            size = cap;
            done();
            c.abort(new Error('response cap reached'));
          },
          onResponseEnd() {
            done();
          },
          onResponseError(_c, err) {
            fail(timedOut ? deadline() : err);
          },
        },
      );
    });
  }

  /** A refused URL throws every time (it is not cached); the guard's rules do not change while running. */
  private target(href: string): Target {
    let t = this.targets.get(href);
    if (t) return t;
    const url = new URL(href);
    this.guard.assertHost(url.hostname);
    t = { origin: url.origin, path: url.pathname + url.search };
    if (this.targets.size >= TARGETS_CACHED) this.targets.clear(); // URLs with placeholders vary per device
    this.targets.set(href, t);
    return t;
  }

  close(): Promise<void> {
    return this.agent.destroy();
  }
}

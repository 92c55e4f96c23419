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
/** Created only when needed: it captures a stack. */
const deadline = () => new DOMException('deadline', 'TimeoutError');

/**
 * One attempt's state and undici's handler in one object (no closures per attempt). The deadline settles the
 * attempt itself — also while undici still holds the request in its queue, before any controller exists — and
 * then aborts whatever is under way.
 */
class Attempt implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private timedOut = false;
  private settled = false;
  private status = 0;
  private headers: OutboundResponse['headers'] = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (r: OutboundResponse) => void,
    private readonly reject: (e: unknown) => void,
    private readonly deadlineMs: number,
    private readonly cap: number,
  ) {
    this.timer = setTimeout(() => this.expire(), deadlineMs);
  }

  private expire(): void {
    this.timedOut = true;
    this.fail(deadline());
    this.controller?.abort(deadline());
  }

  private fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.reject(describeFailure(err, this.deadlineMs));
  }

  private done(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const { chunks, size } = this;
    const body = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
    this.resolve({ status: this.status, headers: this.headers, body });
  }

  onRequestStart(c: Dispatcher.DispatchController): void {
    this.controller = c;
    if (this.timedOut) c.abort(deadline());
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, h: OutboundResponse['headers']): void {
    this.status = statusCode;
    this.headers = h;
  }

  onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.size + chunk.length < this.cap) {
      this.chunks.push(chunk);
      this.size += chunk.length;
      return;
    }
    // The cap is reached: keep what fits and stop reading (the connection is given up).
    this.chunks.push(chunk.subarray(0, this.cap - this.size));
    this.size = this.cap;
    this.done();
    c.abort(new Error('response cap reached'));
  }

  onResponseEnd(): void {
    this.done();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.fail(this.timedOut ? deadline() : err);
  }
}

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
    const { deadlineMs, maxResponseBytes } = this.limits;
    return new Promise((resolve, reject) => {
      let url: Target;
      try {
        url = this.target(req.url);
      } catch (err) {
        return reject(describeFailure(err, deadlineMs));
      }
      this.agent.dispatch(
        {
          origin: url.origin,
          path: url.path,
          method: req.method as Dispatcher.HttpMethod,
          headers: req.headers,
          body: req.body || null,
        },
        new Attempt(resolve, reject, deadlineMs, maxResponseBytes),
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

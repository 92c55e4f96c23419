// The port between the dispatcher and an HTTP library: one call, every rule of docs/architecture.md §5 enforced by
// the driver — total deadline, response read up to a cap, redirects never followed, SSRF guard at connect.

export interface OutboundRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body, truncated to the configured cap. */
  body: string;
}

export interface HttpClientLimits {
  /** Connect + headers + body, per attempt. */
  deadlineMs: number;
  maxResponseBytes: number;
}

/** Failures that are not HTTP statuses: refused target, deadline, connection errors. */
export class OutboundError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface WebhookHttpClient {
  send(req: OutboundRequest): Promise<OutboundResponse>;
  close(): Promise<void>;
}

export function describeFailure(err: unknown, deadlineMs: number): OutboundError {
  const e = err as Error & { code?: string; cause?: Error & { code?: string } };
  if (e instanceof OutboundError) return e;
  const inner = e.cause ?? e;
  if (inner?.name === 'ForbiddenTargetError' || e.name === 'ForbiddenTargetError')
    return new OutboundError('ForbiddenTarget', inner.message);
  if (
    e.name === 'TimeoutError' ||
    e.name === 'AbortError' ||
    inner?.name === 'TimeoutError' ||
    e.code === 'ERR_CANCELED'
  ) {
    return new OutboundError('Deadline', `no complete response within ${deadlineMs} ms`);
  }
  return new OutboundError(inner?.code ?? e.code ?? 'NetworkError', inner?.message ?? e.message);
}

/** Reads a body stream up to `cap` bytes, then stops reading (the rest is never buffered). */
export function readCapped(stream: NodeJS.ReadableStream & { destroy(): void }, cap: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => resolve(Buffer.concat(chunks, size).toString('utf8'));
    stream.on('data', (chunk: Buffer) => {
      if (size + chunk.length >= cap) {
        chunks.push(chunk.subarray(0, cap - size));
        size = cap;
        stream.removeAllListeners('data');
        stream.removeListener('end', finish);
        stream.on('error', () => {});
        stream.destroy();
        finish();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    stream.once('end', finish);
    stream.once('error', reject);
  });
}

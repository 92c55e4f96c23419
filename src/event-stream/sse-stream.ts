import type { Response } from 'express';
import { sseHeartbeat } from './sse.js';

/**
 * One open text/event-stream response, safe to write to from anywhere: after it is closed every write is a
 * no-op, a write never throws, and a reader that falls `maxBuffered` bytes behind is cut off (destroyed, not
 * ended: ending would wait to flush what it never reads). `onClose` runs once, however the stream ends,
 * and the heartbeat stops with it.
 */
export class SseStream {
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly res: Response,
    private readonly maxBuffered: number,
    private readonly onClose: () => void,
  ) {
    // An error on the socket (reset, write after a peer's close) must not reach the process as unhandled.
    res.on('error', () => this.finish(true));
    res.on('close', () => this.finish(false));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(chunk: string): void {
    if (this.closed) return;
    try {
      this.res.write(chunk);
    } catch {
      return this.finish(true);
    }
    if (this.res.writableLength > this.maxBuffered) this.finish(true);
  }

  /** A comment every `ms`, so proxies and idle timers keep the stream open; stops when the stream closes. */
  heartbeat(ms: number): void {
    if (!this.closed) this.timer = setInterval(() => this.write(sseHeartbeat(Date.now())), ms);
  }

  /** Ends the stream politely (server stop, revocation): what is buffered is still sent. */
  close(): void {
    this.finish(false);
  }

  private finish(destroy: boolean): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.onClose();
    if (destroy) this.res.destroy();
    else if (!this.res.writableEnded) this.res.end();
  }
}

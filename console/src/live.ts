import { session } from './session';

/** One event of GET /api/v1/organization/events (a DeviceEvent with its stream id). */
export interface LiveEvent {
  id: number;
  orgId: number;
  deviceId: string;
  kind: string;
  key: string;
  value: unknown;
  ts: number;
  seq: number;
}

type Listener = (e: LiveEvent) => void;

/**
 * Reads the event stream with fetch() so the token goes in the Authorization header (EventSource cannot send
 * one, and the token never goes in a URL); reconnects with Last-Event-ID so nothing kept is missed.
 */
export class LiveStream {
  private readonly listeners = new Set<Listener>();
  private abort: AbortController | null = null;
  private lastId = '';
  private retryMs = 3000;
  private stopped = false;
  connected = false;
  onState: (connected: boolean) => void = () => {};

  constructor(private readonly query = '') {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.stopped = false;
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.readOnce();
      } catch {
        /* network error or abort: retry below unless stopped */
      }
      this.setConnected(false);
      if (this.stopped) return;
      await new Promise((r) => setTimeout(r, this.retryMs));
    }
  }

  private async readOnce(): Promise<void> {
    const token = session.token();
    if (!token) return;
    this.abort = new AbortController();
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' };
    if (this.lastId) headers['Last-Event-ID'] = this.lastId;
    const res = await fetch(`/api/v1/organization/events${this.query}`, { headers, signal: this.abort.signal });
    if (!res.ok || !res.body) {
      this.stopped = res.status >= 400 && res.status < 500;
      return;
    }
    this.setConnected(true);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        this.dispatch(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
    }
  }

  private dispatch(block: string): void {
    let data = '';
    let named = false;
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) this.lastId = line.slice(4);
      else if (line.startsWith('data: ')) data += line.slice(6);
      else if (line.startsWith('event: ')) named = true;
      else if (line.startsWith('retry: ')) this.retryMs = Number(line.slice(7)) || this.retryMs;
    }
    if (!data || named) return;
    const event = JSON.parse(data) as LiveEvent;
    for (const l of this.listeners) l(event);
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.onState(connected);
  }
}

/** The console's one shared stream, started at sign-in and stopped at sign-out. */
export const live = new LiveStream();

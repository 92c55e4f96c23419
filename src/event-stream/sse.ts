import type { StreamedEvent } from './event-ring.js';

// Server-Sent Events framing (WHATWG HTML §9.2). Data is one line of JSON, so no field ever needs splitting.

export const sseEvent = (e: StreamedEvent): string => `id: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`;

/** A named event outside the device-event flow (e.g. `reset`), without an id so resumption is unaffected. */
export const sseNotice = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/** A comment line: ignored by EventSource, keeps proxies and idle timers from closing the stream. */
export const sseHeartbeat = (now: number): string => `: heartbeat ${now}\n\n`;

export const sseRetry = (ms: number): string => `retry: ${ms}\n\n`;

import type { GatewayEvent } from '../events/gateway-event.js';

/** One event as the stream sends it: the bus event plus its stream id (increasing, never reused). */
export interface StreamedEvent extends GatewayEvent {
  id: number;
}

/** A kept event with its SSE frame, serialized once for every stream and for the byte bounds. */
export interface KeptEvent {
  event: StreamedEvent;
  frame: string;
  bytes: number;
}

/**
 * The newest events of one organization, oldest first, bounded both in count and in bytes (a few large events
 * must not hold as much memory as many small ones). A queue with a moving head: keeping an event costs one
 * push, dropping one a head step, and the array is compacted once half of it is dropped slots.
 */
export class EventRing {
  private items: KeptEvent[] = [];
  private head = 0;
  bytes = 0;
  /** Id of the newest event dropped to make room; 0 while nothing was lost. */
  private newestDroppedId = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Keeps `kept`, dropping the oldest past either bound; returns the bytes dropped. */
  push(kept: KeptEvent): number {
    this.items.push(kept);
    this.bytes += kept.bytes;
    let freed = 0;
    while (this.size > this.capacity || (this.bytes > this.maxBytes && this.size > 0)) freed += this.dropOldest();
    return freed;
  }

  /** Drops the oldest kept event (for the total bound across organizations); returns its bytes. */
  dropOldest(): number {
    const oldest = this.items[this.head];
    if (!oldest) return 0;
    this.items[this.head++] = undefined as never;
    this.bytes -= oldest.bytes;
    this.newestDroppedId = oldest.event.id;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return oldest.bytes;
  }

  /** True when an event after `afterId` is no longer kept: a stream resuming from there missed some. */
  lostAfter(afterId: number): boolean {
    return this.newestDroppedId > afterId;
  }

  /** Kept events with an id above `afterId`, oldest first. */
  since(afterId: number): KeptEvent[] {
    const out: KeptEvent[] = [];
    for (let i = this.head; i < this.items.length; i++) if (this.items[i].event.id > afterId) out.push(this.items[i]);
    return out;
  }
}

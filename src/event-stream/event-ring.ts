import type { DeviceEvent } from '../events/device-event.js';

/** One event as the stream sends it: the bus event plus its stream id (increasing, never reused). */
export interface StreamedEvent extends DeviceEvent {
  id: number;
}

/**
 * The newest `capacity` events of one organization, oldest first. A fixed array used as a circular buffer,
 * so keeping an event costs one assignment and memory stays bounded however busy the org is.
 */
export class EventRing {
  private readonly slots: (StreamedEvent | undefined)[];
  private next = 0;
  private count = 0;
  /** Id of the newest event pushed out by a newer one; 0 while nothing was lost. */
  private newestDroppedId = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<StreamedEvent | undefined>(capacity);
  }

  push(event: StreamedEvent): void {
    const overwritten = this.slots[this.next];
    if (overwritten) this.newestDroppedId = overwritten.id;
    this.slots[this.next] = event;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** True when an event after `afterId` is no longer kept: a stream resuming from there missed some. */
  lostAfter(afterId: number): boolean {
    return this.newestDroppedId > afterId;
  }

  /** Kept events with an id above `afterId`, oldest first. */
  since(afterId: number): StreamedEvent[] {
    const out: StreamedEvent[] = [];
    for (let i = 0; i < this.count; i++) {
      const e = this.slots[(this.next - this.count + i + this.capacity) % this.capacity]!;
      if (e.id > afterId) out.push(e);
    }
    return out;
  }
}

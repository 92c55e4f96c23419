import { type Breaker, closedBreaker } from './circuit-breaker.js';
import type { Delivery } from './delivery.model.js';

/**
 * One webhook's deliveries in memory: due ones in arrival order, retries waiting on their timers, held ones
 * aside (oldest first), how many are in flight, and the endpoint's circuit breaker. While `cursor` is set, the
 * webhook's unfinished rows with a greater id are in storage only, and are paged in, in id order, as the window
 * empties (docs/architecture.md §5: bounded memory in long outages).
 */
export class EndpointQueue {
  private ready: Delivery[] = [];
  private head = 0;
  /** Held while the webhook is disabled, in id order (the oldest expire first, and go out first). */
  private heldList: Delivery[] = [];
  readonly waiting = new Map<Delivery, NodeJS.Timeout>();
  /** Ids of every delivery in memory: due, waiting, held or in flight. */
  readonly resident = new Set<number>();
  inFlight = 0;
  cursor: number | null = null;
  paging = false;
  /** Deliveries left in storage while a page was being read: the page may not have seen them. */
  skipped = 0;
  /** Callback rate limit: the next free slot, and the deliveries waiting for the slot they were given. */
  nextSlotAt = 0;
  readonly slotted = new Set<Delivery>();
  readonly breaker: Breaker = closedBreaker();
  /** While the breaker is open with deliveries due: the timer that brings them back at the next probe time. */
  probeTimer: NodeJS.Timeout | null = null;
  /** Rows read from storage at a time, once the window has at least this much room. */
  readonly page: number;

  /** `window`: at most this many of the webhook's unfinished deliveries in memory (DELIVERY_WINDOW). */
  constructor(
    readonly webhookId: number,
    readonly window = 1000,
  ) {
    this.page = Math.ceil(window / 4);
  }

  /** Takes a committed delivery into memory, or leaves it in storage when the window is full or paging. */
  admit(d: Delivery): boolean {
    if (this.resident.has(d.id)) return false; // already here (a sweep can hand back a row paged in meanwhile)
    if (this.cursor === null && this.resident.size < this.window) {
      this.resident.add(d.id);
      return true;
    }
    // Ids grow with every commit, so new rows from here on are behind the cursor, in order. A resumed or taken
    // over row can be older than the cursor: it moves back to it, or paging would never bring that row in.
    this.cursor = Math.min(this.cursor ?? d.id - 1, d.id - 1);
    if (this.paging) this.skipped++;
    return false;
  }

  /** Room for a page, and rows waiting in storage. */
  get wantsPage(): boolean {
    return this.cursor !== null && !this.paging && this.window - this.resident.size >= this.page;
  }

  push(d: Delivery): void {
    this.ready.push(d);
  }

  next(): Delivery | undefined {
    if (this.head >= this.ready.length) return undefined;
    const d = this.ready[this.head++];
    if (this.head > 1024 && this.head * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.head);
      this.head = 0;
    }
    return d;
  }

  get due(): number {
    return this.ready.length - this.head;
  }

  get held(): number {
    return this.heldList.length;
  }

  /** Keeps a delivery aside, in id order (mostly in order already: looked for from the end). */
  hold(d: Delivery): void {
    let i = this.heldList.length;
    while (i > 0 && this.heldList[i - 1].id > d.id) i--;
    this.heldList.splice(i, 0, d);
  }

  /** The `n` oldest held deliveries, taken out. */
  takeOldestHeld(n: number): Delivery[] {
    return this.heldList.splice(0, n);
  }

  /** Every held delivery, oldest first, taken out. */
  takeHeld(): Delivery[] {
    return this.heldList.splice(0);
  }

  /** The deliveries waiting for a retry or a rate-limit slot, oldest first, taken off their timers. */
  takeWaiting(): Delivery[] {
    const all = [...this.waiting.keys()].sort((a, b) => a.id - b.id);
    for (const t of this.waiting.values()) clearTimeout(t);
    this.waiting.clear();
    this.slotted.clear();
    return all;
  }

  /** The in-memory copy of a delivery, taken out of the held list or its retry timer. */
  takeLive(id: number): Delivery | undefined {
    const i = this.heldList.findIndex((x) => x.id === id);
    if (i >= 0) return this.heldList.splice(i, 1)[0];
    for (const [x, t] of this.waiting) {
      if (x.id !== id) continue;
      clearTimeout(t);
      this.waiting.delete(x);
      this.slotted.delete(x);
      return x;
    }
    return undefined;
  }

  /** The deliveries waiting for a rate-limit slot, taken off their timers, and the slots forgotten. */
  unslot(): Delivery[] {
    const all = [...this.slotted];
    for (const d of all) {
      clearTimeout(this.waiting.get(d));
      this.waiting.delete(d);
    }
    this.slotted.clear();
    this.nextSlotAt = 0;
    return all;
  }

  /** Everything not in flight: due, waiting for a retry, held. */
  takeAll(): Delivery[] {
    const all = [...this.ready.slice(this.head), ...this.takeWaiting(), ...this.takeHeld()];
    this.ready = [];
    this.head = 0;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    return all;
  }
}

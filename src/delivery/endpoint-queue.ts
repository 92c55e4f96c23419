import type { Delivery } from './delivery.model.js';

/** One webhook's deliveries: due ones in arrival order, held ones aside, and how many are in flight. */
export class EndpointQueue {
  private ready: Delivery[] = [];
  private head = 0;
  readonly held: Delivery[] = [];
  readonly waiting = new Map<Delivery, NodeJS.Timeout>();
  inFlight = 0;

  constructor(readonly webhookId: number) {}

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

  /** Everything not in flight: due, waiting for a retry, held. */
  takeAll(): Delivery[] {
    const all = [...this.ready.slice(this.head), ...this.waiting.keys(), ...this.held];
    for (const t of this.waiting.values()) clearTimeout(t);
    this.ready = [];
    this.head = 0;
    this.waiting.clear();
    this.held.length = 0;
    return all;
  }
}

import { type Duplex, Writable } from 'node:stream';

const cork = Writable.prototype.cork;

/**
 * One system call per event-loop turn for a connection, instead of one per packet. mqtt-packet corks the
 * stream for each packet it writes and uncorks it on the next tick, so every delivered PUBLISH (and every
 * PUBACK) costs its own `writev`. Holding one extra cork from a stream's first packet of a turn until
 * `setImmediate` (after the poll phase has read every socket that had data) sends the turn's packets at once.
 * Backpressure is unchanged: `write()` still returns false past the high-water mark (see slow-consumers.ts).
 * One per broker, with one shared `cork` function and one immediate per turn for all its streams: nothing is
 * allocated per connection.
 */
export class WriteCoalescer {
  private readonly held = new Set<Duplex>();
  private scheduled = false;

  private readonly releaseAll = (): void => {
    this.scheduled = false;
    const streams = [...this.held];
    this.held.clear();
    for (const s of streams) if (!s.destroyed) s.uncork();
  };

  /** Installed as each stream's `cork` (`this` is the stream). */
  private readonly holdingCork = ((coalescer: WriteCoalescer) =>
    function holdingCork(this: Duplex): void {
      if (!coalescer.held.has(this)) {
        coalescer.held.add(this);
        cork.call(this);
        if (!coalescer.scheduled) {
          coalescer.scheduled = true;
          setImmediate(coalescer.releaseAll);
        }
      }
      cork.call(this);
    })(this);

  coalesce(stream: Duplex): void {
    stream.cork = this.holdingCork;
  }
}

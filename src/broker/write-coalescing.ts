import { type Duplex, Writable } from 'node:stream';

/**
 * One system call per event-loop turn for a connection, instead of one per packet. mqtt-packet corks the
 * stream for each packet it writes and uncorks it on the next tick, so every delivered PUBLISH (and every
 * PUBACK) costs its own `writev`. Holding one extra cork from a stream's first packet of a turn until
 * `setImmediate` (after the poll phase has read every socket that had data) sends the turn's packets at once.
 * Backpressure is unchanged: `write()` still returns false past the high-water mark (see slow-consumers.ts).
 * One shared function and one immediate per turn for all streams: nothing is allocated per connection.
 */
const cork = Writable.prototype.cork;
const held = new Set<Duplex>();
let scheduled = false;

function releaseAll(): void {
  scheduled = false;
  const streams = [...held];
  held.clear();
  for (const s of streams) if (!s.destroyed) s.uncork();
}

function holdingCork(this: Duplex): void {
  if (!held.has(this)) {
    held.add(this);
    cork.call(this);
    if (!scheduled) {
      scheduled = true;
      setImmediate(releaseAll);
    }
  }
  cork.call(this);
}

export function coalesceWrites(stream: Duplex): void {
  stream.cork = holdingCork;
}

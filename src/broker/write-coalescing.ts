import type { Duplex } from 'node:stream';

/**
 * One system call per event-loop turn for a connection, instead of one per packet. mqtt-packet corks the
 * stream for each packet it writes and uncorks it on the next tick, so every delivered PUBLISH (and every
 * PUBACK) costs its own `writev`. Holding one extra cork from the first packet of a turn until `setImmediate`
 * (after the poll phase has read every socket that had data) sends all of the turn's packets in one `writev`.
 * Backpressure is unchanged: `write()` still returns false past the high-water mark and Aedes waits for drain.
 */
export function coalesceWrites(stream: Duplex): void {
  const cork = stream.cork.bind(stream);
  let held = false;
  const release = (): void => {
    held = false;
    if (!stream.destroyed) stream.uncork();
  };
  stream.cork = () => {
    if (!held) {
      held = true;
      cork();
      setImmediate(release);
    }
    cork();
  };
}

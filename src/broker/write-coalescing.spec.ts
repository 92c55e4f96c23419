import { Duplex } from 'node:stream';
import mqttPacket from 'mqtt-packet';
import { WriteCoalescer } from './write-coalescing.js';

/** A duplex that records every batch the stream hands to its sink (one per system call on a socket). */
function recordingStream(): { stream: Duplex; batches: Buffer[][] } {
  const batches: Buffer[][] = [];
  const stream = new Duplex({
    read() {},
    writev(chunks, cb) {
      batches.push(chunks.map((c) => c.chunk as Buffer));
      cb();
    },
    write(chunk: Buffer, _enc, cb) {
      batches.push([chunk]);
      cb();
    },
  });
  return { stream, batches };
}

const publish = (n: number) =>
  ({
    cmd: 'publish',
    topic: 'devices/d/ds/t',
    payload: Buffer.from(String(n)),
    qos: 0,
    retain: false,
    dup: false,
  }) as const;
const nextTurn = () => new Promise((r) => setImmediate(r));
// As Aedes delivers: each packet written from its own immediate, one after the other in the same turn.
const writeEachInItsImmediate = (stream: Duplex, ns: number[]) =>
  ns.forEach((n) => setImmediate(() => mqttPacket.writeToStream(publish(n), stream)));

describe('WriteCoalescer', () => {
  const coalesceWrites = (stream: Duplex) => new WriteCoalescer().coalesce(stream);

  it('is needed: without it each packet written from its own immediate is a batch of its own', async () => {
    const { stream, batches } = recordingStream();
    writeEachInItsImmediate(stream, [0, 1, 2]);
    await nextTurn();
    await nextTurn();
    expect(batches).toHaveLength(3);
  });

  it("sends every packet written in one event-loop turn in one batch, in order, and the next turn's apart", async () => {
    const { stream, batches } = recordingStream();
    coalesceWrites(stream);
    writeEachInItsImmediate(stream, [0, 1, 2]);
    await nextTurn();
    await nextTurn();
    expect(batches).toHaveLength(1);
    const parsed: string[] = [];
    const parser = mqttPacket.parser();
    parser.on('packet', (p) => parsed.push(String((p as { payload: Buffer }).payload)));
    parser.parse(Buffer.concat(batches[0]));
    expect(parsed).toEqual(['0', '1', '2']);

    writeEachInItsImmediate(stream, [3]);
    await nextTurn();
    await nextTurn();
    expect(batches).toHaveLength(2);
  });

  it('leaves a stream destroyed meanwhile alone', async () => {
    const { stream, batches } = recordingStream();
    coalesceWrites(stream);
    mqttPacket.writeToStream(publish(0), stream);
    stream.destroy();
    await nextTurn();
    expect(batches).toHaveLength(0);
  });
});

import { Buckets, KeepNewest, NewestInWindow, newestOf, pointsOf, toChunks } from './history-chunks.js';

const series = (ts: number[], values: unknown[] = ts) => ({ orgId: 1, deviceId: 'd', name: 'n', ts, values });
const window = { orgId: 1, deviceId: 'd', name: 'n', from: 0, to: 100 };

describe('history chunks', () => {
  it('keeps values and their times, out of order included, through a chunk', () => {
    const [c] = toChunks([series([5, 3, 9], ['a', { b: [1] }, null])]);
    expect([c.first, c.last, c.n]).toEqual([3, 9, 3]);
    expect(pointsOf(c)).toEqual([
      { ts: 5, value: 'a' },
      { ts: 3, value: { b: [1] } },
      { ts: 9, value: null },
    ]);
  });

  it('finds the newest values of a window across chunks that overlap in time', () => {
    // Newest first by `last`: [1..10] then [5, 6] (a late flush of older values).
    const chunks = toChunks([series([1, 2, 3, 4, 7, 8, 9, 10]), series([5, 6])]);
    const newest = new NewestInWindow(window, 4);
    for (const c of chunks.sort((a, b) => b.last - a.last)) if (newest.wants(c)) newest.add(c);
    expect(newest.result()).toEqual({
      points: [7, 8, 9, 10].map((ts) => ({ ts, value: ts })),
      truncated: true,
    });
    const five = new NewestInWindow(window, 5);
    for (const c of chunks) if (five.wants(c)) five.add(c);
    expect(five.result().points.map((p) => p.ts)).toEqual([6, 7, 8, 9, 10]);
  });

  it('takes the last arrived of values in one millisecond as the newest, within a chunk and across chunks', () => {
    const one = new NewestInWindow(window, 1);
    one.add(toChunks([series([7, 7, 7], ['a', 'b', 'c'])])[0]);
    expect(one.result()).toEqual({ points: [{ ts: 7, value: 'c' }], truncated: true });
    // Chunks come newest first: the second flush's value of the same millisecond arrived later.
    const [older] = toChunks([series([7, 7], ['a', 'b'])]);
    const [newer] = toChunks([series([7], ['c'])]);
    const two = new NewestInWindow(window, 2);
    for (const c of [newer, older]) if (two.wants(c)) two.add(c);
    expect(two.result().points.map((p) => p.value)).toEqual(['b', 'c']);
  });

  it('buckets numbers and counts everything, whatever the chunk order', () => {
    const b = new Buckets(window, 10);
    for (const c of toChunks([series([15, 12], [4, 'x']), series([3, 18], [1, 8])])) b.add(c);
    expect(b.result()).toEqual([
      { start: 0, min: 1, max: 1, avg: 1, count: 1 },
      { start: 10, min: 4, max: 8, avg: 6, count: 3 },
    ]);
  });

  it('keeps the newest values: whole chunks, then the boundary chunk trimmed, then deletes', () => {
    const keep = new KeepNewest(5);
    expect([keep.next(3), keep.next(4), keep.next(2)]).toEqual(['keep', { room: 2 }, 'delete']);
    const [c] = toChunks([series([4, 2, 3, 1])]);
    expect(pointsOf(newestOf(c, 2)).map((p) => p.ts)).toEqual([4, 3]);
  });
});

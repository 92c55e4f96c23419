import type { AnyModel } from './model.js';

/** Ids taken from the database per round trip: a commit needs a counter trip once per BLOCK ids, not every time. */
export const ID_BLOCK = 1000;

/**
 * Integer ids from a counters collection, as SQLite's AUTOINCREMENT gives them, reserved in blocks: one atomic
 * `$inc` of ID_BLOCK hands this instance a range no other instance can get, so several gateways on one database
 * never collide. Ids increase within an instance; across instances they interleave by block (unused ends of a
 * block are lost at exit, like AUTOINCREMENT gaps).
 */
export class Ids {
  private readonly blocks = new Map<string, { next: number; end: number }>();
  private readonly queue = new Map<string, Promise<unknown>>();

  constructor(private readonly counters: AnyModel) {}

  async next(name: string): Promise<number> {
    return this.reserve(name, 1);
  }

  /** Reserves `n` consecutive ids; returns the first. Calls for one name run one after another. */
  reserve(name: string, n: number): Promise<number> {
    const run = (this.queue.get(name) ?? Promise.resolve()).then(() => this.take(name, n));
    this.queue.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  }

  private async take(name: string, n: number): Promise<number> {
    let b = this.blocks.get(name);
    if (!b || b.end - b.next < n) {
      const size = Math.max(ID_BLOCK, n);
      const r = await this.counters
        .findOneAndUpdate({ _id: name }, { $inc: { seq: size } }, { upsert: true, returnDocument: 'after' })
        .lean();
      b = { next: r!.seq - size + 1, end: r!.seq + 1 };
      this.blocks.set(name, b);
    }
    const first = b.next;
    b.next += n;
    return first;
  }
}

import type { AnyModel } from './model.js';

/** Ids handed out per round trip: a commit needs a database trip once per BLOCK ids, not every time. */
export const ID_BLOCK = 1000;

/**
 * Integer ids, as SQLite's AUTOINCREMENT gives them, reserved in blocks: block k of a name covers ids
 * k·BLOCK+1 … (k+1)·BLOCK and belongs to the instance whose insert of `{_id: "name:k"}` succeeded. A unique
 * insert, not an `$inc` of a counter: FerretDB v1.24 (SQLite backend) applies concurrent updates of one
 * document as read-modify-write (measured: 20 concurrent `$inc` → +8), so two instances could get the same
 * block; an insert of a taken `_id` fails on every server. Ids increase within an instance; across instances
 * they interleave by block (an unused block end is a gap, like AUTOINCREMENT's).
 */
export class Ids {
  private readonly blocks = new Map<string, { next: number; end: number }>();
  private readonly queue = new Map<string, Promise<unknown>>();

  constructor(
    private readonly blocksM: AnyModel,
    /** The per-name counters of earlier versions: ids below their `seq` are taken. */
    private readonly legacyCounters: AnyModel,
  ) {}

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
      const count = Math.ceil(n / ID_BLOCK);
      const k = await this.claimBlocks(name, count);
      b = { next: k * ID_BLOCK + 1, end: (k + count) * ID_BLOCK + 1 };
      this.blocks.set(name, b);
    }
    const first = b.next;
    b.next += n;
    return first;
  }

  /** The first of `count` consecutive blocks this instance now owns. */
  private async claimBlocks(name: string, count: number): Promise<number> {
    for (;;) {
      const top = await this.blocksM.findOne({ name }).sort({ block: -1 }).lean();
      const legacy = top ? 0 : Math.ceil(((await this.legacyCounters.findById(name).lean())?.seq ?? 0) / ID_BLOCK);
      const k = top ? (top.block as number) + 1 : legacy;
      try {
        // The last block of the range is the one inserted: its _id is what two instances would race for.
        await this.blocksM.insertMany(
          Array.from({ length: count }, (_, i) => ({ _id: `${name}:${k + i}`, name, block: k + i })),
          { ordered: true },
        );
        return k;
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
      }
    }
  }
}

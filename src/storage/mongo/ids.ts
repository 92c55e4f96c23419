import type { AnyModel } from './model.js';

/** Integer ids from a counters collection, as SQLite's AUTOINCREMENT gives them. */
export class Ids {
  constructor(private readonly counters: AnyModel) {}
  async next(name: string): Promise<number> {
    return this.reserve(name, 1);
  }
  /** Reserves `n` consecutive ids; returns the first. */
  async reserve(name: string, n: number): Promise<number> {
    const r = await this.counters
      .findOneAndUpdate({ _id: name }, { $inc: { seq: n } }, { upsert: true, new: true })
      .lean();
    return r!.seq - n + 1;
  }
}

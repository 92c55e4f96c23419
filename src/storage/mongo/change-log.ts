import type {
  ChangeKind,
  ChangeLogRepository,
  ChangeRecord,
  PresenceState,
} from '../../cluster/change-log.repository.js';
import type { AnyModel } from './model.js';

const recordOf = (o: Record<string, unknown>): ChangeRecord => ({
  seq: o._id as number,
  kind: o.kind as ChangeKind,
  orgId: o.orgId as number,
  key: o.key as string,
  origin: o.origin as string,
  at: o.at as number,
  ...(o.presence === undefined ? {} : { presence: o.presence as PresenceState }),
});

/**
 * The `changes` collection. A record's seq is the previous one's plus one, taken by a unique insert (retried
 * on a duplicate): no counter `$inc`, which FerretDB v1.24 does not apply atomically (see ids.ts). So records
 * become visible in seq order and a follower reading `seq > last` misses none. Pruned by time (no TTL indexes
 * on FerretDB).
 */
export class MongoChangeLog implements ChangeLogRepository {
  private last = 0;

  constructor(
    private readonly m: AnyModel,
    private readonly origin: string,
  ) {}

  async append(kind: ChangeKind, orgId: number, key: string | number): Promise<void> {
    for (;;) {
      const seq = this.last + 1;
      try {
        await this.m.collection.insertOne({
          _id: seq as never,
          kind,
          orgId,
          key: String(key),
          origin: this.origin,
          at: Date.now(),
        });
        this.last = seq;
        return;
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
        this.last = Math.max(seq, await this.latest());
      }
    }
  }

  /** Records of several keys, in one insert per round (a lost race retries the rest after the winner's). */
  async appendMany(
    kind: ChangeKind,
    entries: { orgId: number; key: string; presence?: PresenceState }[],
  ): Promise<void> {
    let rest = entries;
    while (rest.length > 0) {
      const base = this.last + 1;
      const at = Date.now();
      const docs = rest.map((e, i) => ({
        _id: (base + i) as never,
        kind,
        orgId: e.orgId,
        key: e.key,
        presence: e.presence,
        origin: this.origin,
        at,
      }));
      try {
        // ordered: records stop at the first taken seq, so they stay dense and in order
        await this.m.collection.insertMany(docs, { ordered: true });
        this.last = base + rest.length - 1;
        return;
      } catch (e) {
        // ordered: true stops at the first duplicate; its index is how many went in (MongoDB and FerretDB)
        const first = ([] as { index: number; code: number }[]).concat(
          (e as { writeErrors?: [] }).writeErrors ?? [],
        )[0];
        if ((first?.code ?? (e as { code?: number }).code) !== 11000) throw e;
        const inserted = first?.index ?? 0;
        rest = rest.slice(inserted);
        this.last = Math.max(base + inserted - 1, await this.latest());
      }
    }
  }

  async since(seq: number, limit: number): Promise<ChangeRecord[]> {
    return (
      await this.m
        .find({ _id: { $gt: seq } })
        .sort({ _id: 1 })
        .limit(limit)
        .lean()
    ).map(recordOf);
  }

  async seqBefore(ts: number): Promise<number> {
    const first = await this.m
      .findOne({ at: { $gte: ts } })
      .sort({ _id: 1 })
      .lean();
    return first ? (first._id as number) - 1 : this.latest();
  }

  async prune(ts: number): Promise<void> {
    // The newest record always stays: the next seq is taken from it.
    await this.m.deleteMany({ at: { $lt: ts }, _id: { $lt: await this.latest() } });
  }

  private async latest(): Promise<number> {
    return ((await this.m.findOne().sort({ _id: -1 }).lean())?._id as number | undefined) ?? 0;
  }
}

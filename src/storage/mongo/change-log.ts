import type { ChangeKind, ChangeLogRepository, ChangeRecord } from '../../cluster/change-log.repository.js';
import type { PresenceState } from '../../devices/connection-ledger.repository.js';
import type { AnyModel } from './model.js';

/**
 * A record's `_id`: its seq as a fixed-width string. FerretDB v1.24 (SQLite) hands SQLite only a filter that
 * is exactly `{_id: <string or ObjectId>}` (backends/sqlite/collection.go); for any other, a numeric `_id`
 * included, it decodes and matches every document itself. SQLite then still scans, but in C (FerretDB's `_id`
 * index is on `->"_id"`, its queries ask `->'$._id'`: EXPLAIN QUERY PLAN says SCAN), which measured far
 * cheaper. Followers poll several times a second, so an idle poll asks for the next record by `_id` equality.
 */
const idOf = (seq: number): string => `c${String(seq).padStart(15, '0')}`;

type Entry = { kind: ChangeKind; orgId: number; key: string; presence?: PresenceState };

const recordOf = (o: Record<string, unknown>): ChangeRecord => ({
  seq: o.seq as number,
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
 * become visible in seq order and a follower reading seq after seq misses none. Pruned by time (no TTL
 * indexes on FerretDB).
 */
export class MongoChangeLog implements ChangeLogRepository {
  private last = 0;

  constructor(
    private readonly m: AnyModel,
    private readonly origin: string,
  ) {}

  append(kind: ChangeKind, orgId: number, key: string | number): Promise<void> {
    return this.appendMany(kind, [{ orgId, key: String(key) }]);
  }

  /** Records of several keys, in one insert per round (a lost race retries the rest after the winner's). */
  async appendMany(kind: ChangeKind, entries: Omit<Entry, 'kind'>[]): Promise<void> {
    if (this.last === 0) this.last = await this.latest(0); // once per process: not a probe from seq 1
    let rest = entries;
    while (rest.length > 0) {
      const base = this.last + 1;
      const at = Date.now();
      const docs = rest.map((e, i) => ({
        _id: idOf(base + i) as never,
        seq: base + i,
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
        this.last = await this.latest(base + inserted);
      }
    }
  }

  /**
   * The records after `seq`: first the next one by `_id` (on FerretDB an idle poll is one filter SQLite
   * answers, not a decode of every record), then, when there is one, the batch in one range query (one scan
   * per batch, where lookups one by one cost FerretDB far more: about 100 a second while it is busy).
   */
  async since(seq: number, limit: number): Promise<ChangeRecord[]> {
    const next = await this.m.findById(idOf(seq + 1)).lean();
    if (!next) return [];
    if (limit === 1) return [recordOf(next as Record<string, unknown>)];
    const batch = await this.m
      .find({ seq: { $gt: seq } })
      .sort({ seq: 1 })
      .limit(limit)
      .lean();
    return batch.map((o) => recordOf(o as Record<string, unknown>));
  }

  async seqBefore(ts: number): Promise<number> {
    // Once per start: a scan is affordable here.
    const first = await this.m
      .findOne({ at: { $gte: ts } })
      .sort({ seq: 1 })
      .lean();
    return first ? (first.seq as number) - 1 : this.latest(this.last);
  }

  async prune(ts: number): Promise<void> {
    // The newest record always stays: the next seq is taken from it.
    await this.m.deleteMany({ at: { $lt: ts }, seq: { $lt: await this.latest(this.last) } });
  }

  /** The highest seq written, probing forward from one known to be taken (or from the newest by seq). */
  private async latest(taken: number): Promise<number> {
    let seq = taken > 0 ? taken : (((await this.m.findOne().sort({ seq: -1 }).lean())?.seq as number) ?? 0);
    while (await this.m.exists({ _id: idOf(seq + 1) })) seq++;
    return seq;
  }
}

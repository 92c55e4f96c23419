import type {
  AnnouncedPresence,
  ConnectionLedgerRepository,
  HeldConnection,
} from '../../devices/connection-ledger.repository.js';
import type { MongoChangeLog } from './change-log.js';
import { type AnyModel, insertUnlessTaken } from './model.js';

const entryId = (instance: string, ownerId: string) => `${ownerId}@${instance}`;
const entryOf = (o: Record<string, unknown>): HeldConnection => ({
  ownerId: o.ownerId as string,
  instance: o.instance as string,
  at: o.at as number,
});

/**
 * `connections` (one document per owner and instance, `_id` "owner@instance"), read beside `instance_leases`
 * (written by the delivery claims heartbeat); `presence_transitions` (arbitration records); announcements go
 * to the change log.
 */
export class MongoConnectionLedgerRepository implements ConnectionLedgerRepository {
  constructor(
    private readonly m: AnyModel,
    private readonly leases: AnyModel,
    private readonly transitions: AnyModel,
    private readonly changes: MongoChangeLog,
  ) {}

  async hold(instance: string, ownerIds: string[]): Promise<void> {
    const at = Date.now();
    // Inserts, not upserts: an upsert is a query plus a write per statement on FerretDB (see bulk-writes.ts),
    // and an entry already there (held again before its release was written) is as good.
    await insertUnlessTaken(
      this.m,
      ownerIds.map((ownerId) => ({ _id: entryId(instance, ownerId), ownerId, instance, at })),
    );
  }

  async holders(ownerIds: string[]): Promise<HeldConnection[]> {
    if (ownerIds.length === 0) return [];
    return (await this.m.find({ ownerId: { $in: ownerIds } }).lean()).map(entryOf);
  }

  async heldOutside(instances: string[]): Promise<HeldConnection[]> {
    return (await this.m.find({ instance: { $nin: instances } }).lean()).map(entryOf);
  }

  async release(entries: Pick<HeldConnection, 'ownerId' | 'instance'>[]): Promise<void> {
    if (entries.length === 0) return;
    // By _id: FerretDB v1.24 scans the collection for any other delete filter (see delivery-claim.repository.ts)
    await this.m.deleteMany({ _id: { $in: entries.map((e) => entryId(e.instance, e.ownerId)) } });
  }

  async liveInstances(now: number): Promise<Set<string>> {
    return new Set((await this.leases.find({ expiresAt: { $gte: now } }).lean()).map((o) => o._id as string));
  }

  async claimTransitions(keys: string[]): Promise<Set<string>> {
    const at = Date.now();
    const lost = await insertUnlessTaken(
      this.transitions,
      keys.map((key) => ({ _id: key, at })),
    );
    return new Set(keys.filter((_, i) => !lost.has(i)));
  }

  async announce(presence: AnnouncedPresence[]): Promise<void> {
    await this.changes.appendMany(
      'presence',
      presence.map(({ deviceId, orgId, ...state }) => ({ orgId, key: deviceId, presence: state })),
    );
  }

  async prune(ts: number): Promise<void> {
    await this.transitions.deleteMany({ at: { $lt: ts } });
  }
}

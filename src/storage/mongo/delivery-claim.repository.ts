import type { DeliveryClaim, DeliveryClaimRepository } from '../../delivery/delivery-claim.repository.js';
import type { AnyModel } from './model.js';

const claimOf = (o: Record<string, unknown>): DeliveryClaim => ({
  deliveryId: o.deliveryId as number,
  fence: o.fence as number,
  orgId: o.orgId as number,
  webhookId: o.webhookId as number,
  owner: o.owner as string,
  expiresAt: o.expiresAt as number,
});

/** `_id` is "deliveryId:fence": the unique key that makes a claim (or a takeover) win or lose atomically. */
export class MongoDeliveryClaimRepository implements DeliveryClaimRepository {
  constructor(private readonly m: AnyModel) {}

  async insert(claims: DeliveryClaim[]): Promise<DeliveryClaim[]> {
    if (claims.length === 0) return [];
    try {
      await this.m.collection.insertMany(
        claims.map((c) => ({ _id: `${c.deliveryId}:${c.fence}` as never, ...c })),
        { ordered: false },
      );
      return claims;
    } catch (e) {
      // ordered: false goes on after a duplicate and reports each failed row by its index
      const err = e as {
        code?: number;
        writeErrors?: { index: number; code: number }[] | { index: number; code: number };
      };
      const failures =
        err.writeErrors === undefined ? [] : ([] as { index: number; code: number }[]).concat(err.writeErrors);
      if (failures.length === 0 || failures.some((f) => f.code !== 11000)) throw e;
      const lost = new Set(failures.map((f) => f.index));
      return claims.filter((_, i) => !lost.has(i));
    }
  }

  async ofDeliveries(ids: number[]): Promise<DeliveryClaim[]> {
    if (ids.length === 0) return [];
    return (await this.m.find({ deliveryId: { $in: ids } }).lean()).map(claimOf);
  }

  async expiredBefore(ts: number, limit: number): Promise<DeliveryClaim[]> {
    return (
      await this.m
        .find({ expiresAt: { $lt: ts } })
        .sort({ expiresAt: 1 })
        .limit(limit)
        .lean()
    ).map(claimOf);
  }

  async ownedBy(owner: string): Promise<DeliveryClaim[]> {
    return (await this.m.find({ owner }).lean()).map(claimOf);
  }

  async extend(owner: string, expiresAt: number): Promise<void> {
    // Only the owner writes its own records, so no other writer races this update (FerretDB: see ids.ts).
    await this.m.updateMany({ owner }, { $set: { expiresAt } });
  }

  async remove(claims: Pick<DeliveryClaim, 'deliveryId' | 'fence'>[]): Promise<void> {
    if (claims.length === 0) return;
    await this.m.bulkWrite(
      claims.map((c) => ({ deleteMany: { filter: { deliveryId: c.deliveryId, fence: { $lte: c.fence } } } })),
      { ordered: false },
    );
  }
}

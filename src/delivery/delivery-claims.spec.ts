import { dropDatabase, mongoTestUri } from '../../test/support/mongo.js';
import { until } from '../../test/support/cluster.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import { StopReport } from '../observability/stop-report.js';
import { type MongoStorageDriver, openMongo } from '../storage/mongo/mongo.driver.js';
import { DeliveryClaims } from './delivery-claims.js';
import { newDelivery } from './delivery.model.js';
import { describeWith } from '../../test/support/requirements.js';

const uri = mongoTestUri('delivery_claims');
const suite = (name: string, fn: () => void) => describeWith(['mongo'], name, fn);
const config = (instance: string) =>
  ({ GATEWAY_INSTANCE_ID: instance, DELIVERY_CLAIM_LEASE_MS: 600 }) as unknown as GatewayConfig;

/** Claims on a real database (FerretDB in CI), two instances' DeliveryClaims side by side in one process. */
suite('DeliveryClaims', () => {
  let driver: MongoStorageDriver;
  const started: DeliveryClaims[] = [];
  beforeAll(async () => {
    driver = await openMongo(uri!);
  });
  afterAll(async () => {
    for (const c of started) await c.beforeApplicationShutdown();
    await driver.close();
    await dropDatabase(uri!);
  });

  const start = async (instance: string) => {
    const claims = new DeliveryClaims(driver.deliveryClaims, driver.deliveries, config(instance), new StopReport());
    started.push(claims);
    return claims;
  };
  const claimsOf = async (id: number) => (await driver.deliveryClaims.ofDeliveries([id])).map((c) => c.owner);
  /** Resolves after `instance` renewed its lease twice more: each renewal first removes the claims released. */
  const twoBeats = async (instance: string) => {
    const lease = async () => (await driver.deliveryClaims.leases()).get(instance) ?? 0;
    for (let i = 0; i < 2; i++) {
      const before = await lease();
      await until(`a renewal of ${instance}'s lease`, async () => (await lease()) > before);
    }
  };

  it('settles each claim an attempt waits for: not mine when another live instance holds it, else mine', async () => {
    const rows = await driver.deliveries.insertMany(
      ['msg_s1', 'msg_s2'].map((messageId) =>
        newDelivery({ orgId: 1, webhookId: 2, messageId, event: 'device.added', deviceId: 'd', matched: null }),
      ),
    );
    const a = await start('a');
    await a.resume([], () => {});
    a.admit([rows[0]]);
    await until('a claimed the first', async () => (await claimsOf(rows[0].id)).join() === 'a');
    const b = await start('b');
    await b.resume([], () => {});
    const settled = new Map<number, boolean>();
    const record = (d: { id: number }, mine: boolean) => settled.set(d.id, mine);
    // The dispatcher keeps each in its window until told; a row left waiting for ever is a stalled backlog.
    expect(rows.map((d) => b.mayAttempt(d, record))).toEqual([false, false]);
    await until('both settled', () => settled.size === 2);
    expect([settled.get(rows[0].id), settled.get(rows[1].id)]).toEqual([false, true]);
    expect(b.mayAttempt(rows[1], record)).toBe(true);
  });

  it("keeps a finished delivery's claim until the delivery log recorded it, so no other instance sends it again", async () => {
    const [stored] = await driver.deliveries.insertMany([
      newDelivery({ orgId: 1, webhookId: 1, messageId: 'msg_c1', event: 'device.added', deviceId: 'd', matched: null }),
    ]);
    const a = await start('a');
    await a.resume([], () => {});
    const sent = { ...stored };
    a.admit([sent]);
    await until('a claimed it', async () => (await claimsOf(sent.id)).join() === 'a');
    sent.status = 'delivered';
    a.finished(sent); // sent, but the delivery log has not written it yet: storage still says pending
    await twoBeats('a');
    expect(await claimsOf(sent.id)).toEqual(['a']);
    const b = await start('b');
    expect(await b.resume([stored], () => {})).toEqual([]); // the row storage calls unfinished stays a's
    a.recorded([sent]);
    await until('its claim released', async () => (await claimsOf(sent.id)).length === 0);
  });

  it('holds a row its committer wrote with claimedBy without a claim record, until another instance takes it over (fence 2) once the lease ends', async () => {
    for (const c of started.splice(0)) await c.beforeApplicationShutdown(); // the instances of the cases before
    const a = await start('a3');
    await a.resume([], () => {});
    const [row] = await driver.deliveries.insertMany([
      newDelivery({
        orgId: 1,
        webhookId: 3,
        messageId: 'msg_i1',
        event: 'device.added',
        deviceId: 'd',
        matched: null,
        claimedBy: a.claimant,
      }),
    ]);
    a.committed([row]);
    expect(a.mayAttempt(row, () => {})).toBe(true);
    expect(await claimsOf(row.id)).toEqual([]);
    const b = await start('b3');
    const taken: number[] = [];
    await b.resume([], (rows) => taken.push(...rows.map((d) => d.id)));
    const settled = new Map<number, boolean>();
    expect(b.mayAttempt(row, (d, mine) => settled.set(d.id, mine))).toBe(false); // paged in by b: a's
    await until('settled', () => settled.size === 1);
    expect(settled.get(row.id)).toBe(false);
    await a.beforeApplicationShutdown(); // a's lease ends at once
    await until('b took it over', () => taken.includes(row.id));
    expect(await driver.deliveryClaims.ofDeliveries([row.id])).toEqual([
      expect.objectContaining({ owner: 'b3', fence: 2 }),
    ]);
  });
});

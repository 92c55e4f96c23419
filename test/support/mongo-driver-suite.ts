import { ID_BLOCK } from '../../src/storage/mongo/ids.js';
import { type MongoStorageDriver, openMongo } from '../../src/storage/mongo/mongo.driver.js';
import { deviceFixture, webhookFixture } from './contract-fixtures.js';
import { dropDatabase, mongoTestUri } from './mongo.js';

/** Every query shape the mongo repositories run, by collection: an index must start with these keys. */
const QUERY_INDEXES: Record<string, Record<string, number>[]> = {
  users: [
    { orgId: 1, email: 1 },
    { orgId: 1, _id: 1 },
  ],
  api_tokens: [{ tokenHash: 1 }, { orgId: 1, _id: 1 }],
  webhooks: [
    { orgId: 1, name: 1 },
    { orgId: 1, _id: 1 },
  ],
  deliveries: [
    { webhookId: 1, _id: -1 },
    { webhookId: 1, status: 1, _id: -1 },
    { status: 1, _id: 1 },
    { status: 1, updatedAt: 1 },
  ],
  delivery_attempts: [{ deliveryId: 1, n: 1 }],
  delivery_claims: [{ deliveryId: 1, fence: 1 }, { owner: 1 }],
  id_blocks: [{ name: 1, block: -1 }],
  trigger_states: [{ webhookId: 1 }],
  notifications: [{ orgId: 1, userId: 1, createdAt: -1, _id: -1 }],
  inbound_webhooks: [{ orgId: 1 }, { token: 1 }],
  templates: [{ orgId: 1, id: 1 }],
  connections: [{ ownerId: 1 }, { instance: 1 }],
  changes: [{ seq: 1 }, { at: 1 }],
  presence_transitions: [{ at: 1 }],
  datastream_history: [
    { 'm.d': 1, 'm.n': 1, last: 1 },
    { 'm.o': 1, last: 1 },
  ],
};

const note = (i: number) => ({
  orgId: 1,
  userId: 1,
  kind: 'webhook.disabled',
  title: `t${i}`,
  message: 'm',
  webhookId: 1,
  createdAt: i,
});

/** What only the mongo driver has to show: its write concern, id blocks, and the indexes it leaves alone. */
export function mongoDriverSuite(baseLabel: string): void {
  describe('mongo driver', () => {
    const uri = mongoTestUri(`${baseLabel}_drv`)!;
    let a: MongoStorageDriver;
    let b: MongoStorageDriver;
    beforeAll(async () => {
      a = await openMongo(uri, 'a');
      b = await openMongo(uri, 'b');
    });
    afterAll(async () => {
      await a.close();
      await b.close();
      await dropDatabase(uri);
    });

    it('acknowledges writes once journaled on a majority', () => {
      expect(a.connection.getClient().writeConcern).toMatchObject({ w: 'majority', journal: true });
    });

    it('reserves ids in blocks: one round trip per block, never the same id on two instances', async () => {
      const blocks = a.connection.db!.collection('id_blocks');
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await a.organizations.create(`a${i}`)).id, (await b.organizations.create(`b${i}`)).id);
      }
      expect(await blocks.countDocuments({ name: 'organizations' })).toBe(2);
      const many = await Promise.all([
        ...Array.from({ length: 50 }, (_, i) => a.organizations.create(`c${i}`)),
        ...Array.from({ length: 50 }, (_, i) => b.organizations.create(`d${i}`)),
      ]);
      expect(new Set([...ids, ...many.map((o) => o.id)]).size).toBe(110);
      expect(await blocks.countDocuments({ name: 'organizations' })).toBe(2);
      // two instances racing for their first block of a name: one insert wins, the other takes the next block
      const [x, y] = await Promise.all([a.notifications.create(note(1)), b.notifications.create(note(2))]);
      expect(Math.floor((x.id - 1) / ID_BLOCK)).not.toBe(Math.floor((y.id - 1) / ID_BLOCK));
    });

    it('has an index for every query the repositories make', async () => {
      for (const [collection, wanted] of Object.entries(QUERY_INDEXES)) {
        const keys = (await a.connection.db!.collection(collection).indexes()).map((i) => JSON.stringify(i.key));
        for (const k of wanted)
          expect({ collection, index: keys.includes(JSON.stringify(k)) }).toEqual({ collection, index: true });
      }
    });

    it('logs every REST write of webhooks and devices, in a dense order, from every instance', async () => {
      const log = a.changeLog!;
      const from = await log.seqBefore(Date.now());
      const o = await a.organizations.create('log');
      const w = await a.webhooks.create(webhookFixture(o.id, 'logged'));
      await Promise.all([
        b.webhooks.update({ ...w, description: 'b' }, { status: false, failureCount: false }),
        a.devices.create(deviceFixture(`log-${o.id}`, o.id)),
        b.devices.create(deviceFixture(`log2-${o.id}`, o.id)),
      ]);
      await b.webhooks.delete(o.id, w.id);
      const records = await b.changeLog!.since(from, 100);
      expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => from + i + 1));
      expect(records.map((r) => `${r.kind}:${r.key}`).sort()).toEqual(
        [`webhook:${w.id}`, `webhook:${w.id}`, `webhook:${w.id}`, `device:log-${o.id}`, `device:log2-${o.id}`].sort(),
      );
      expect(records.at(-1)).toMatchObject({ kind: 'webhook', origin: 'b' });
      expect(records[0]).toMatchObject({ kind: 'webhook', origin: 'a', orgId: o.id });
    });

    it('keeps a REST write and a runtime write of one device from undoing each other, and never lowers its seq', async () => {
      const o = await a.organizations.create('fields');
      const d = deviceFixture(`f-${o.id}`, o.id);
      await a.devices.create(d);
      // Instance a holds the device (runtime state); instance b renames it over REST from its older copy.
      await a.devices.saveMany([{ ...d, status: 'online', seq: 7, values: { t: { value: 1, ts: 1 } } }]);
      await b.devices.update({ ...d, name: 'renamed', updatedAt: 2 });
      await a.devices.saveMany([{ ...d, status: 'online', seq: 5 }]); // a stale holder: seq stays 7
      expect(await b.devices.findById(d.id)).toMatchObject({ name: 'renamed', status: 'online', seq: 7, values: {} });
    });

    it("keeps a REST token rotation raced by the holder's write-behind of the same device", async () => {
      const o = await a.organizations.create('race');
      const d = deviceFixture(`r-${o.id}`, o.id);
      await a.devices.create(d);
      // Each round at once: a rotation through b, a runtime write through a. FerretDB v1 updates a document by
      // read-modify-write, so when both touched one document, one of the two was lost now and then.
      for (let i = 1; i <= 20; i++) {
        await Promise.all([
          b.devices.update({ ...d, tokenHash: `h${i}`, updatedAt: i }),
          a.devices.saveMany([{ ...d, status: 'online', seq: i, lastSeen: i }]),
        ]);
        expect(await b.devices.findById(d.id)).toMatchObject({
          tokenHash: `h${i}`,
          status: 'online',
          seq: i,
          lastSeen: i,
        });
      }
      expect((await a.devices.findByIds([d.id]))[0]).toMatchObject({ tokenHash: 'h20', seq: 20 });
      expect(await a.devices.delete(d.id)).toBe(true);
      expect(await b.devices.findById(d.id)).toBeNull();
    });

    it('records which instance holds which owner, and tells presence to the other instances', async () => {
      const o = await a.organizations.create('ledger');
      const d = deviceFixture(`l-${o.id}`, o.id);
      await a.devices.create(d);
      await a.devices.saveMany([{ ...d, seq: 9 }]);
      const [la, lb] = [a.connections!, b.connections!];
      await la.hold('ia', [d.id, 'agent-x']);
      await la.hold('ia', [d.id]); // held again before its release was written: as good
      await lb.hold('ib', [d.id]);
      const holders = async () => (await la.holders([d.id, 'agent-x'])).map((e) => `${e.ownerId}@${e.instance}`).sort();
      expect(await holders()).toEqual([`agent-x@ia`, `${d.id}@ia`, `${d.id}@ib`].sort());
      await la.release([{ ownerId: d.id, instance: 'ia' }]);
      expect(await holders()).toEqual([`agent-x@ia`, `${d.id}@ib`]);
      // leases: the delivery claims heartbeat writes them; the ledger reads which are running
      await a.deliveryClaims.renewLease('ia', Date.now() + 60_000);
      await b.deliveryClaims.renewLease('ib', Date.now() - 1);
      const live = await lb.liveInstances(Date.now());
      expect([live.has('ia'), live.has('ib')]).toEqual([true, false]);
      const outside = (await lb.heldOutside(['ia'])).filter((e) => e.ownerId === d.id);
      expect(outside).toMatchObject([{ ownerId: d.id, instance: 'ib', at: expect.any(Number) }]);
      await la.release(outside);
      expect(await holders()).toEqual([`agent-x@ia`]);

      // a transition on behalf of a dead instance: one winner per key among instances racing for it
      const racing = [la, lb, la, lb].map((l) => l.claimTransitions([`${d.id}@ib#1`, 'other@ib#1']));
      const wins = (await Promise.all(racing)).flatMap((won) => [...won]);
      expect(wins.sort()).toEqual([`${d.id}@ib#1`, 'other@ib#1']);

      const from = await a.changeLog!.seqBefore(Date.now());
      const state = { deviceId: d.id, orgId: o.id, seq: 12, lastSeen: 3, firstConnectedAt: 1 };
      await Promise.all([
        la.announce([{ ...state, status: 'online' }]),
        lb.announce([{ ...state, status: 'offline', seq: 13 }]),
      ]);
      const records = (await b.changeLog!.since(from, 10)).filter((r) => r.key === d.id);
      expect(records.map((r) => r.seq)).toEqual([records[0].seq, records[0].seq + 1]); // dense, both there
      expect(records.map((r) => `${r.kind}:${r.presence?.status}:${r.presence?.seq}`).sort()).toEqual([
        'presence:offline:13',
        'presence:online:12',
      ]);
    });

    it('keeps a bulk update of hundreds of rows from stalling the server (chunked for FerretDB)', async () => {
      const o = await a.organizations.create('bulk');
      const many = Array.from({ length: 300 }, (_, i) => deviceFixture(`bulk-${o.id}-${i}`, o.id));
      for (const d of many) await a.devices.create(d);
      // Both instances' write-behinds at once: 600 statements in flight on one database.
      await Promise.all([
        a.devices.saveMany(many.map((d) => ({ ...d, status: 'online' as const, seq: 1 }))),
        b.devices.saveMany(many.map((d) => ({ ...d, status: 'online' as const, seq: 2 }))),
      ]);
      const stored = await a.devices.findByIds(many.map((d) => d.id));
      expect(stored.filter((d) => d.status === 'online')).toHaveLength(300);
    });

    it('keeps an index an operator added (createIndexes, not syncIndexes)', async () => {
      const devices = a.connection.db!.collection('devices');
      await devices.createIndex({ 'doc.name': 1 }, { name: 'operator_by_name' });
      const again = await openMongo(uri);
      await again.close();
      expect((await devices.indexes()).map((i) => i.name)).toContain('operator_by_name');
    });
  });
}

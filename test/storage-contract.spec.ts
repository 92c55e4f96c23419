import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuplicateKeyError } from '../src/common/duplicate-key.error.js';
import type { DeliveryStatus } from '../src/delivery/delivery.model.js';
import { type Device, newDevice } from '../src/devices/device.model.js';
import { openMongo } from '../src/storage/mongo/mongo.driver.js';
import { openSqlite } from '../src/storage/sqlite/sqlite.driver.js';
import type { StorageDriver } from '../src/storage/storage-driver.js';
import { clusterContract } from './support/cluster-contract.js';
import { mongoDriverSuite } from './support/mongo-driver-suite.js';
import { dropDatabase, mongoTestUri } from './support/mongo.js';
import { describeWith } from './support/requirements.js';

/** One contract, every driver: nothing a service relies on may work on one adapter only. */
function contract(name: string, open: () => Promise<StorageDriver>, cleanup: () => void | Promise<void> = () => {}) {
  describe(`storage contract: ${name}`, () => {
    const updateRefusedAsDuplicate = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(DuplicateKeyError);
    let s: StorageDriver;
    beforeAll(async () => {
      s = await open();
    });
    afterAll(async () => {
      await s.close();
      await cleanup();
    });

    const device = (id: string, orgId: number): Device =>
      newDevice({ id, orgId, name: id, tokenHash: 'h', groupIds: ['g1'], metadata: { a: { b: 1 } } }, 1);

    it('issues increasing integer org ids and counts them', async () => {
      const a = await s.organizations.create('a');
      const b = await s.organizations.create('b');
      expect(b.id).toBeGreaterThan(a.id);
      expect(await s.organizations.findById(a.id)).toMatchObject({ id: a.id, name: 'a' });
      expect(await s.organizations.findById(999999)).toBeNull();
      expect(await s.organizations.count()).toBeGreaterThanOrEqual(2);
    });

    it("keeps each organization's parent and lists them all", async () => {
      const top = await s.organizations.create('top');
      const child = await s.organizations.create('child', top.id);
      expect(await s.organizations.findById(child.id)).toMatchObject({ name: 'child', parentId: top.id });
      expect(await s.organizations.findById(top.id)).toMatchObject({ parentId: null });
      const all = await s.organizations.all();
      expect(all.find((o) => o.id === child.id)).toMatchObject({ parentId: top.id });
    });

    it('keeps templates with ids unique per org, each org changing only its own', async () => {
      const org = await s.organizations.create('t');
      const other = await s.organizations.create('t2');
      const t = { id: `TMPL${org.id}`, orgId: org.id, name: 'T', description: '', createdAt: 1, lastModifiedTs: 1 };
      await s.templates.create(t);
      await expect(s.templates.create({ ...t, name: 'again' })).rejects.toBeInstanceOf(DuplicateKeyError);
      await s.templates.create({ ...t, orgId: other.id, name: 'Theirs' }); // the same id in another org
      await s.templates.update({ ...t, name: 'T2' });
      const byOrg = (orgId: number) =>
        s.templates.all().then((all) => all.find((x) => x.id === t.id && x.orgId === orgId));
      expect(await byOrg(org.id)).toMatchObject({ name: 'T2' });
      expect(await byOrg(other.id)).toMatchObject({ name: 'Theirs' });
      expect(await s.templates.delete(org.id + 1000, t.id)).toBe(false);
      expect(await s.templates.delete(org.id, t.id)).toBe(true);
      expect(await byOrg(other.id)).toMatchObject({ name: 'Theirs' });
    });

    it('scopes users to their org and keeps e-mail unique per org', async () => {
      const o1 = await s.organizations.create('u1');
      const o2 = await s.organizations.create('u2');
      const u = await s.users.create({ orgId: o1.id, email: 'x@y.z', name: 'X' });
      await expect(s.users.create({ orgId: o1.id, email: 'x@y.z', name: 'again' })).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
      await s.users.create({ orgId: o2.id, email: 'x@y.z', name: 'other org' });
      expect(await s.users.findById(o2.id, u.id)).toBeNull();
      expect((await s.users.list(o1.id)).map((x) => x.email)).toEqual(['x@y.z']);
      expect(await s.users.delete(o2.id, u.id)).toBe(false);
      expect(await s.users.delete(o1.id, u.id)).toBe(true);
    });

    it('finds API tokens by hash only and deletes them per org', async () => {
      const o = await s.organizations.create('t');
      const t = await s.tokens.create({
        orgId: o.id,
        name: 'n',
        scopes: ['devices.*', 'mqtt.*'],
        tokenHash: `hash-${o.id}`,
      });
      expect(await s.tokens.findByHash(`hash-${o.id}`)).toMatchObject({
        id: t.id,
        orgId: o.id,
        scopes: ['devices.*', 'mqtt.*'],
      });
      expect(await s.tokens.findByHash('nope')).toBeNull();
      // a second instance bootstrapping the same admin token at the same moment gets DuplicateKeyError
      await expect(
        s.tokens.create({ orgId: o.id, name: 'again', scopes: [], tokenHash: `hash-${o.id}` }),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await s.tokens.list(o.id)).toHaveLength(1);
      expect(await s.tokens.delete(o.id, t.id)).toBe(true);
      expect(await s.tokens.findByHash(`hash-${o.id}`)).toBeNull();
    });

    it('stores devices whole, refuses a taken id, and saves many in one batch', async () => {
      const o = await s.organizations.create('d');
      const d1 = device(`dev-${o.id}-1`, o.id);
      const d2 = device(`dev-${o.id}-2`, o.id);
      await s.devices.create(d1);
      await s.devices.create(d2);
      await expect(s.devices.create(d1)).rejects.toBeInstanceOf(DuplicateKeyError);
      d1.status = 'online';
      d1.seq = 3;
      d1.values = { t: { value: { nested: [1, 'two'] }, ts: 5 } };
      d2.lastEvent = { code: 'c', description: 'd', ts: 6 };
      await s.devices.saveMany([d1, d2]);
      const all = (await s.devices.all()).filter((d) => d.orgId === o.id);
      expect(all.find((d) => d.id === d1.id)).toEqual(d1);
      expect(all.find((d) => d.id === d2.id)).toEqual(d2);
      const some = await s.devices.findByIds([d2.id, 'no-such-device', d1.id]);
      expect(some.sort((x, y) => x.id.localeCompare(y.id))).toEqual([d1, d2]);
      d1.name = 'renamed';
      await s.devices.update(d1);
      expect((await s.devices.all()).find((d) => d.id === d1.id)?.name).toBe('renamed');
      expect(await s.devices.delete(d1.id)).toBe(true);
      expect(await s.devices.delete(d1.id)).toBe(false);
    });

    it("keeps what a device reported about itself through the write-behind; REST's later change wins", async () => {
      const o = await s.organizations.create('r');
      const d = device(`dev-${o.id}-r`, o.id);
      await s.devices.create(d);
      Object.assign(d, {
        name: 'reported',
        metadata: { fw: '1.2' },
        templateId: 'TMPL_R',
        reportedAt: d.updatedAt + 10,
      });
      await s.devices.saveMany([d]);
      expect(await s.devices.findById(d.id)).toMatchObject({ name: 'reported', metadata: { fw: '1.2' } });
      // REST then changes it (a newer updatedAt); the write-behind goes on with the older report's time.
      const configured = { ...d, name: 'by REST', metadata: {}, updatedAt: d.reportedAt! + 10 };
      await s.devices.update(configured);
      await s.devices.saveMany([{ ...configured, status: 'online' }]);
      expect(await s.devices.findById(d.id)).toMatchObject({ name: 'by REST', metadata: {}, status: 'online' });
    });

    it('stores webhooks with org-scoped integer ids and per-org unique names', async () => {
      const o1 = await s.organizations.create('w1');
      const o2 = await s.organizations.create('w2');
      const base = {
        description: '',
        trigger: 'DEVICE_STATUS' as const,
        dataTrigger: { statuses: ['online' as const] },
        url: 'https://x.example',
        method: 'POST' as const,
        contentType: 'JSON' as const,
        authType: 'NONE' as const,
        body: '',
        formBody: {},
        headers: { 'x-a': '1' },
        basicAuth: null,
        bearerToken: null,
        oAuth2Request: null,
        httpSecret: null,
        failureReceivers: [],
        failureLimit: 10,
        status: 'ENABLED' as const,
        attemptCount: 0,
        failureCount: 0,
        secret: 'sealed',
        previousSecret: null,
        previousSecretExpiresAt: null,
        createdAt: 1,
        lastModifiedTs: 1,
        lastTriggeredTs: null,
        signature: { type: 'STANDARD_WEBHOOKS' as const },
      };
      const a = await s.webhooks.create({ ...base, orgId: o1.id, name: 'A' });
      const b = await s.webhooks.create({ ...base, orgId: o1.id, name: 'a' });
      expect(b.id).toBeGreaterThan(a.id);
      await expect(s.webhooks.create({ ...base, orgId: o1.id, name: 'A' })).rejects.toBeInstanceOf(DuplicateKeyError);
      await s.webhooks.create({ ...base, orgId: o2.id, name: 'A' });
      expect(await s.webhooks.findById(o2.id, a.id)).toBeNull();
      expect(await s.webhooks.findById(o1.id, a.id)).toEqual(a);
      const all = { status: true, failureCount: true };
      await updateRefusedAsDuplicate(s.webhooks.update({ ...b, name: 'A' }, all));
      await s.webhooks.update({ ...a, status: 'DISABLED', attemptCount: 3 }, all);
      // The signature option, nested and with every field, is written and read back as given.
      const ownHeader = {
        type: 'HMAC_SHA256' as const,
        header: 'X-Hub-Signature-256',
        encoding: 'base64' as const,
        prefix: 'sha256=',
        timestampHeader: 'X-Timestamp',
        signTimestamp: true,
      };
      await s.webhooks.update({ ...b, signature: ownHeader }, all);
      expect((await s.webhooks.findById(o1.id, b.id))?.signature).toEqual(ownHeader);
      expect((await s.webhooks.findById(o1.id, a.id))?.signature).toEqual({ type: 'STANDARD_WEBHOOKS' });
      expect((await s.webhooks.list(o1.id)).map((w) => [w.name, w.status])).toEqual([
        ['A', 'DISABLED'],
        ['a', 'ENABLED'],
      ]);
      await s.webhooks.increment([
        { id: b.id, attemptCount: 7, failureCount: 2, resetFailures: false, lastTriggeredTs: 99 },
      ]);
      expect((await s.webhooks.all()).find((w) => w.id === b.id)).toMatchObject({
        attemptCount: 7,
        failureCount: 2,
        lastTriggeredTs: 99,
      });
      // A REST write through one instance while another adds to the counters: neither overwrites the other (a
      // server applying updates as read-modify-write of one document would write the old URL back).
      const counting = (async () => {
        for (let i = 0; i < 10; i++)
          await s.webhooks.increment([
            { id: b.id, attemptCount: 1, failureCount: 1, resetFailures: false, lastTriggeredTs: null },
          ]);
      })();
      const rest = { status: false, failureCount: false };
      await Promise.all([counting, s.webhooks.update({ ...b, url: 'https://moved.example' }, rest)]);
      expect(await s.webhooks.findById(o1.id, b.id)).toMatchObject({
        url: 'https://moved.example',
        attemptCount: 17,
        failureCount: 12,
      });
      // A REST reset of the failure count is written; the attempts stay the runtime's.
      await s.webhooks.update({ ...b, url: 'https://moved.example', failureCount: 0, attemptCount: 0 }, all);
      expect(await s.webhooks.findById(o1.id, b.id)).toMatchObject({ attemptCount: 17, failureCount: 0 });
      expect(await s.webhooks.delete(o2.id, a.id)).toBe(false);
      expect(await s.webhooks.delete(o1.id, a.id)).toBe(true);
      expect((await s.webhooks.all()).some((w) => w.id === a.id)).toBe(false);
    });

    it('updates users within their org, keeping e-mail unique', async () => {
      const o = await s.organizations.create('uu');
      const u = await s.users.create({ orgId: o.id, email: 'a@x.y', name: 'A' });
      await s.users.create({ orgId: o.id, email: 'b@x.y', name: 'B' });
      expect(await s.users.update(o.id, u.id, { name: 'A2' })).toMatchObject({ id: u.id, email: 'a@x.y', name: 'A2' });
      await updateRefusedAsDuplicate(s.users.update(o.id, u.id, { email: 'b@x.y' }));
      expect(await s.users.update(o.id + 1000, u.id, { name: 'no' })).toBeNull();
    });

    it('keeps the outbox: group insert, state changes with attempts, queries by org, webhook, status and time, pruning', async () => {
      const o = await s.organizations.create('out');
      const row = (webhookId: number, i: number) => ({
        orgId: o.id,
        webhookId,
        messageId: `msg_${o.id}_${webhookId}_${i}`,
        event: 'log.event',
        deviceId: 'd1',
        matched: {
          event: { orgId: o.id, deviceId: 'd1', kind: 'log.event' as const, key: 'k', value: i, ts: 1000 + i, seq: i },
          device: null,
        },
        request: null,
        renderedAt: null,
        renderedFor: null,
        status: 'pending' as const,
        attempts: 0,
        roundStart: 0,
        nextAttemptAt: null,
        lastStatusCode: null,
        lastError: null,
        dropReason: null,
        createdAt: 1000 + i,
        updatedAt: 1000 + i,
      });
      const saved = await s.deliveries.insertMany([row(1, 0), row(1, 1), row(1, 2), row(2, 0)]);
      expect(saved.map((d) => d.id)).toEqual([saved[0].id, saved[0].id + 1, saved[0].id + 2, saved[0].id + 3]);
      const [d0, d1, d2] = saved;
      Object.assign(d0, { status: 'delivered', attempts: 2, lastStatusCode: 200, updatedAt: 2000 });
      Object.assign(d1, { status: 'held', attempts: 1, lastStatusCode: 500, lastError: 'boom', nextAttemptAt: 5000 });
      await s.deliveries.saveMany(
        [d0, d1],
        [
          {
            deliveryId: d0.id,
            n: 2,
            ts: 11,
            durationMs: 3,
            statusCode: 200,
            response: 'ok',
            error: null,
            nextRetryAt: null,
          },
          {
            deliveryId: d0.id,
            n: 1,
            ts: 10,
            durationMs: 5,
            statusCode: 503,
            response: '',
            error: null,
            nextRetryAt: 11,
          },
          {
            deliveryId: d1.id,
            n: 1,
            ts: 12,
            durationMs: 1,
            statusCode: 500,
            response: 'no',
            error: 'boom',
            nextRetryAt: null,
          },
        ],
      );
      expect(await s.deliveries.findById(o.id, 1, d1.id)).toEqual(d1);
      expect(await s.deliveries.findById(o.id + 1000, 1, d1.id)).toBeNull();
      expect((await s.deliveries.attempts(d0.id)).map((a) => [a.n, a.statusCode])).toEqual([
        [1, 503],
        [2, 200],
      ]);
      expect((await s.deliveries.unfinishedPage(1, d0.id - 1, 10)).map((d) => [d.id, d.status])).toEqual([
        [d1.id, 'held'],
        [d2.id, 'pending'],
      ]);
      expect((await s.deliveries.unfinishedPage(1, d1.id, 10)).map((d) => d.id)).toEqual([d2.id]);
      expect(await s.deliveries.unfinishedPage(2, saved[3].id, 10)).toEqual([]);
      const counts = await s.deliveries.unfinishedCounts();
      expect(counts).toEqual(expect.arrayContaining([{ webhookId: 2, status: 'pending', n: expect.any(Number) }]));
      expect(await s.deliveries.find(o.id, 1, { page: 0, size: 2 })).toEqual({ items: [d2, d1], total: 3 });
      expect((await s.deliveries.find(o.id, 1, { status: 'held', page: 0, size: 10 })).items).toEqual([d1]);
      expect((await s.deliveries.find(o.id, 1, { since: 1001, page: 0, size: 10 })).total).toBe(2);
      expect(await s.deliveries.prune(2001)).toBeGreaterThanOrEqual(1);
      expect(await s.deliveries.findById(o.id, 1, d0.id)).toBeNull();
      expect(await s.deliveries.attempts(d0.id)).toEqual([]);
      expect(await s.deliveries.findById(o.id, 1, d1.id)).toEqual(d1); // unfinished rows are never pruned
    });

    const outboxRow = (orgId: number, webhookId: number, i: number, status: DeliveryStatus = 'pending') => ({
      orgId,
      webhookId,
      messageId: `msg_${webhookId}_${i}_${Math.random().toString(36).slice(2)}`,
      event: 'log.event',
      deviceId: 'd1',
      matched: {
        event: { orgId, deviceId: 'd1', kind: 'log.event' as const, key: 'k', value: i, ts: 1000 + i, seq: i },
        device: null,
      },
      request: null,
      renderedAt: null,
      renderedFor: null,
      status,
      attempts: 0,
      roundStart: 0,
      nextAttemptAt: null,
      lastStatusCode: null,
      lastError: null,
      dropReason: null,
      createdAt: 1000 + i,
      updatedAt: 1000 + i,
    });

    it('walks a status by keyset pages while the walk moves rows out of it (replay-since)', async () => {
      const o = await s.organizations.create('replay-walk');
      // (Small pages: FerretDB's bulk replace costs several ms per row.)
      await s.deliveries.insertMany(Array.from({ length: 120 }, (_, i) => outboxRow(o.id, 7001, i, 'failed')));
      const seen = new Set<number>();
      for (let beforeId: number | null = null; ;) {
        const page = await s.deliveries.findPage(o.id, 7001, { status: 'failed', since: 0, beforeId, limit: 25 });
        for (const d of page) seen.add(d.id);
        // What a replay does between two pages: the rows just read are pending again once the log commits.
        await s.deliveries.saveMany(
          page.map((d) => ({ ...d, status: 'pending' as const })),
          [],
        );
        if (page.length < 25) break;
        beforeId = page[page.length - 1].id;
      }
      expect(seen.size).toBe(120);
    });

    it('prunes finished rows in batches with their attempts, keeping unfinished and recent ones', async () => {
      const o = await s.organizations.create('prune-batches');
      const rows = await s.deliveries.insertMany(
        Array.from({ length: 2500 }, (_, i) => ({ ...outboxRow(o.id, 7002, i, 'delivered'), updatedAt: 10 })),
      );
      const [pending, recent] = await s.deliveries.insertMany([
        { ...outboxRow(o.id, 7002, 9000, 'pending'), updatedAt: 10 },
        { ...outboxRow(o.id, 7002, 9001, 'failed'), updatedAt: 5000 },
      ]);
      const attempt = (deliveryId: number) => ({
        deliveryId,
        n: 1,
        ts: 10,
        durationMs: 1,
        statusCode: 200,
        response: '',
        error: null,
        nextRetryAt: null,
      });
      await s.deliveries.saveMany([], [attempt(rows[0].id), attempt(rows[2499].id), attempt(pending.id)]);
      expect(await s.deliveries.prune(1000)).toBeGreaterThanOrEqual(2500);
      expect((await s.deliveries.find(o.id, 7002, { page: 0, size: 10 })).items.map((d) => d.id)).toEqual([
        recent.id,
        pending.id,
      ]);
      expect(await s.deliveries.attempts(rows[2499].id)).toEqual([]);
      expect(await s.deliveries.attempts(pending.id)).toHaveLength(1);
    });

    it('commits an outbox batch all or nothing', async () => {
      const o = await s.organizations.create('outbox-atomic');
      const a = outboxRow(o.id, 7003, 1);
      // The third row is refused after two went in: SQLite for its missing event (NOT NULL), MongoDB because
      // it repeats the first one's webhook-id (unique index).
      const bad = { ...a, event: null as unknown as string };
      await expect(s.deliveries.insertMany([a, outboxRow(o.id, 7003, 2), bad])).rejects.toBeDefined();
      expect((await s.deliveries.find(o.id, 7003, { page: 0, size: 10 })).total).toBe(0);
      expect(await s.deliveries.insertMany([a, outboxRow(o.id, 7003, 2)])).toHaveLength(2);
    });

    it('keeps trigger states per (webhook, device)', async () => {
      const st = (webhookId: number, deviceId: string, active: boolean) => ({
        webhookId,
        deviceId,
        active,
        lastValue: { v: [1] },
        holdingSince: null,
        lastFiredAt: 5,
      });
      await s.triggerStates.saveMany([st(9001, 'a', false), st(9001, 'b', true), st(9002, 'a', false)]);
      await s.triggerStates.saveMany([st(9001, 'a', true)]);
      const mine = (await s.triggerStates.all()).filter((x) => x.webhookId >= 9001 && x.webhookId <= 9002);
      expect(mine.sort((x, y) => x.webhookId - y.webhookId || x.deviceId.localeCompare(y.deviceId))).toEqual([
        st(9001, 'a', true),
        st(9001, 'b', true),
        st(9002, 'a', false),
      ]);
      await s.triggerStates.deleteForWebhook(9001);
      expect((await s.triggerStates.all()).filter((x) => x.webhookId === 9001)).toEqual([]);
    });

    it('keeps notifications per user, newest first, within the org', async () => {
      const o = await s.organizations.create('n');
      const n = (i: number) => ({
        orgId: o.id,
        userId: 1,
        kind: 'webhook.disabled',
        title: `t${i}`,
        message: 'm',
        webhookId: 3,
        createdAt: i,
      });
      await s.notifications.create(n(1));
      const second = await s.notifications.create(n(2));
      expect(second.id).toEqual(expect.any(Number));
      expect((await s.notifications.listForUser(o.id, 1)).map((x) => x.title)).toEqual(['t2', 't1']);
      expect(await s.notifications.listForUser(o.id + 1000, 1)).toEqual([]);
    });

    it('stores inbound webhooks per org, found by their token', async () => {
      const o = await s.organizations.create('in');
      const w = {
        id: `iw${o.id}`,
        orgId: o.id,
        name: 'n',
        description: '',
        token: `tok-${o.id}`,
        responseCode: 200,
        verificationType: 'none' as const,
        verificationCode: '',
        basicAuthUsername: null,
        basicAuthPassword: null,
        waitForReply: false,
        enabled: true,
        target: { deviceId: 'd1', path: 'a/b' },
        creationDate: '2026-01-01T00:00:00.000Z',
        lastUpdated: '2026-01-01T00:00:00.000Z',
      };
      await s.inboundWebhooks.create(w);
      expect(await s.inboundWebhooks.findByToken(`tok-${o.id}`)).toEqual(w);
      expect(await s.inboundWebhooks.findById(o.id + 1000, w.id)).toBeNull();
      await s.inboundWebhooks.update({ ...w, enabled: false });
      expect((await s.inboundWebhooks.list(o.id)).map((x) => x.enabled)).toEqual([false]);
      expect(await s.inboundWebhooks.delete(o.id + 1000, w.id)).toBe(false);
      expect(await s.inboundWebhooks.delete(o.id, w.id)).toBe(true);
      expect(await s.inboundWebhooks.findByToken(`tok-${o.id}`)).toBeNull();
    });

    clusterContract(() => s);

    it('stores agents', async () => {
      const o = await s.organizations.create('a');
      const a = { id: `agent-${o.id}`, orgId: o.id, name: 'rig', tokenHash: 'h', createdAt: 1, updatedAt: 1 };
      await s.agents.create(a);
      expect((await s.agents.all()).find((x) => x.id === a.id)).toEqual(a);
      expect(await s.agents.delete(a.id)).toBe(true);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'gw-contract-'));
contract(
  'sqlite',
  async () => openSqlite(dir),
  () => rmSync(dir, { recursive: true, force: true }),
);

// The server comes from test/support/global-setup.ts: FerretDB when built (scripts/ferretdb.sh),
// or whatever MONGODB_URI points at. Each run gets a database of its own, dropped at the end.
const mongoUri = mongoTestUri('contract');
if (mongoUri) {
  contract(
    `mongo (${process.env.GATEWAY_TEST_MONGO ?? 'MONGODB_URI'})`,
    () => openMongo(mongoUri),
    () => dropDatabase(mongoUri),
  );
  mongoDriverSuite(mongoUri);
} else {
  // Visible in every run and in the summary: the mongo adapter was not exercised here (CI fails in the setup).
  describeWith(['mongo'], 'storage contract: mongo', () => {
    it('runs against MongoDB', () => {});
  });
}

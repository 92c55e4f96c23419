import type { StorageDriver } from '../../src/storage/storage-driver.js';
import { webhookFixture } from './contract-fixtures.js';

/** What an object looks like after a JSON round trip: `undefined` fields are absent, not null. */
const asJson = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

/**
 * Contract cases added for MongoDB in production and several instances on one database (issue 10); run by
 * test/storage-contract.spec.ts inside each driver's describe.
 */
export function clusterContract(driver: () => StorageDriver): void {
  it('keeps an undefined field absent after a reload (not null), on create and on update', async () => {
    const s = driver();
    const o = await s.organizations.create('undef');
    const w = await s.webhooks.create({
      ...webhookFixture(o.id, 'u'),
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { dataStream: 't', deviceId: undefined, condition: { op: 'eq', value: 1, hysteresis: undefined } },
    });
    expect(await s.webhooks.findById(o.id, w.id)).toStrictEqual(asJson(w));
    const patched = { ...w, dataTrigger: { dataStream: 't', condition: { op: 'changed' as const, forMs: undefined } } };
    await s.webhooks.update(patched, { status: true, failureCount: true });
    expect(await s.webhooks.findById(o.id, w.id)).toStrictEqual(asJson(patched));
    const iw = {
      id: `iu${o.id}`,
      orgId: o.id,
      name: 'n',
      description: '',
      token: `tok-u-${o.id}`,
      responseCode: 200,
      verificationType: 'none' as const,
      verificationCode: '',
      basicAuthUsername: null,
      basicAuthPassword: null,
      waitForReply: false,
      enabled: true,
      target: { deviceId: 'd1', path: undefined, topic: undefined },
      creationDate: '2026-01-01T00:00:00.000Z',
      lastUpdated: '2026-01-01T00:00:00.000Z',
    };
    await s.inboundWebhooks.create(iw);
    expect(await s.inboundWebhooks.findById(o.id, iw.id)).toStrictEqual(asJson(iw));
    const retargeted = { ...iw, target: { topic: 'a/b', deviceId: undefined } };
    await s.inboundWebhooks.update(retargeted);
    expect(await s.inboundWebhooks.findByToken(iw.token)).toStrictEqual(asJson(retargeted));
  });

  it('adds counters up from several writers (increments, not whole documents) and changes a status only from the expected one', async () => {
    const s = driver();
    const o = await s.organizations.create('inc');
    const w = await s.webhooks.create(webhookFixture(o.id, 'c'));
    const delta = (attemptCount: number, failureCount: number, resetFailures = false, lastTriggeredTs = 0) => ({
      id: w.id,
      attemptCount,
      failureCount,
      resetFailures,
      lastTriggeredTs: lastTriggeredTs || null,
    });
    // Two instances' write-behinds, one after the other (each from its own stale copy). Concurrent writes to
    // one document are atomic on MongoDB only: FerretDB v1.24 (SQLite) loses some (see src/storage/mongo/ids.ts).
    await s.webhooks.increment([delta(3, 1, false, 50)]);
    await s.webhooks.increment([delta(4, 2, false, 40)]);
    expect(await s.webhooks.findById(o.id, w.id)).toMatchObject({
      attemptCount: 7,
      failureCount: 3,
      lastTriggeredTs: 50,
    });
    await s.webhooks.increment([delta(1, 1, true)]);
    expect(await s.webhooks.findById(o.id, w.id)).toMatchObject({
      attemptCount: 8,
      failureCount: 1,
      lastTriggeredTs: 50,
    });
    // a REST update made from a stale copy writes neither the counters nor, unless asked, the status
    await s.webhooks.update({ ...w, description: 'new', status: 'DISABLED' }, { status: false, failureCount: false });
    expect(await s.webhooks.findById(o.id, w.id)).toMatchObject({
      description: 'new',
      status: 'ENABLED',
      attemptCount: 8,
      failureCount: 1,
    });
    expect(await s.webhooks.setStatusIf(w.id, 'ENABLED', 'DISABLED_DUE_TO_ERRORS')).toBe(true);
    expect(await s.webhooks.setStatusIf(w.id, 'ENABLED', 'DISABLED_DUE_TO_ERRORS')).toBe(false);
    await s.webhooks.update({ ...w, status: 'DISABLED' }, { status: true, failureCount: false });
    expect(await s.webhooks.setStatusIf(w.id, 'ENABLED', 'DISABLED_DUE_TO_ERRORS')).toBe(false);
    expect((await s.webhooks.findById(o.id, w.id))?.status).toBe('DISABLED');
  });

  it('keeps delivery claims (one winner per delivery and fence) and one lease per instance', async () => {
    const s = driver();
    // Several instances on one database only: SQLite, serving one, has no claims (their old tables dropped).
    if (s.name === 'sqlite') return expect(s.deliveryClaims).toBeUndefined();
    const claims = s.deliveryClaims!;
    const base = 7_000_000 + Math.floor(Math.random() * 1_000_000);
    const claim = (n: number, fence: number, owner: string) => ({
      deliveryId: base + n,
      fence,
      orgId: 1,
      webhookId: 2,
      owner: `${owner}-${base}`,
    });
    expect(await claims.insert([claim(1, 1, 'a'), claim(2, 1, 'a')])).toHaveLength(2);
    const got = await claims.insert([claim(1, 1, 'b'), claim(3, 1, 'b'), claim(2, 2, 'b')]);
    expect(got).toEqual([claim(3, 1, 'b'), claim(2, 2, 'b')]);
    const owned = await claims.ownedBy([`a-${base}`], 10);
    expect(owned.map((c) => c.deliveryId - base).sort()).toEqual([1, 2]);
    expect(await claims.ownedBy([`a-${base}`, `b-${base}`], 3)).toHaveLength(3);
    await claims.remove([{ deliveryId: base + 2, fence: 1 }]);
    expect(await claims.ofDeliveries([base + 2])).toEqual([claim(2, 2, 'b')]);
    await claims.remove([
      { deliveryId: base + 1, fence: 1 },
      { deliveryId: base + 2, fence: 2 },
      { deliveryId: base + 3, fence: 1 },
    ]);
    expect(await claims.ofDeliveries([base + 1, base + 2, base + 3])).toEqual([]);
    await claims.renewLease(`a-${base}`, 100);
    await claims.renewLease(`b-${base}`, 200);
    await claims.renewLease(`a-${base}`, 300);
    const leases = await claims.leases();
    expect([leases.get(`a-${base}`), leases.get(`b-${base}`)]).toEqual([300, 200]);
  });
}

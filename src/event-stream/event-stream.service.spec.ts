import { describeError } from '../common/api-error.js';
import { EventBus } from '../events/event-bus.js';
import type { GatewayEvent } from '../events/gateway-event.js';
import { Revocations } from '../events/revocations.js';
import { loadConfig } from '../config/gateway-config.js';
import { EventRing, type KeptEvent } from './event-ring.js';
import { parseEventFilter } from './event-filter.js';
import { EVENTS_KEPT_PER_ORG, EventStreamService } from './event-stream.service.js';

const limits = (env: Record<string, string> = {}) => loadConfig(env);
const kept = (id: number, bytes = 10): KeptEvent => ({ event: { id, ...event(1, 'd', id) }, frame: '', bytes });

const event = (orgId: number, deviceId: string, n: number): GatewayEvent => ({
  orgId,
  deviceId,
  kind: 'datastream.update',
  key: 'n',
  value: n,
  ts: n,
  seq: n,
});

describe('EventRing', () => {
  it('keeps the newest events, oldest first, and says when a resume point was overwritten', () => {
    const ring = new EventRing(3, 1000);
    for (let id = 1; id <= 5; id++) ring.push(kept(id));
    expect(ring.since(0).map((k) => k.event.id)).toEqual([3, 4, 5]);
    expect(ring.since(4).map((k) => k.event.id)).toEqual([5]);
    expect(ring.lostAfter(1)).toBe(true);
    expect(ring.lostAfter(2)).toBe(false);
  });

  it('is bounded in bytes too: a few large events push out the oldest', () => {
    const ring = new EventRing(1000, 100);
    for (let id = 1; id <= 3; id++) expect(ring.push(kept(id, 30))).toBe(0);
    expect(ring.push(kept(4, 60))).toBe(60); // 3×30 + 60 > 100: the two oldest dropped
    expect(ring.since(0).map((k) => k.event.id)).toEqual([3, 4]);
    expect(ring.bytes).toBe(90);
    expect(ring.lostAfter(2)).toBe(false);
    expect(ring.lostAfter(1)).toBe(true);
    expect(ring.push(kept(5, 500))).toBe(590); // larger than the bound alone: nothing is kept
    expect(ring.size).toBe(0);
  });
});

describe('EventStreamService', () => {
  it('buffers per organization, bounded, and reports a gap past the buffer', () => {
    const bus = new EventBus();
    const service = new EventStreamService(bus, new Revocations(), limits());
    service.onModuleInit();
    const all = parseEventFilter({});
    // Both orgs were watched a moment ago (a stream opened and closed): their events are buffered for resumption.
    for (const orgId of [1, 2]) service.add({ orgId, tokenId: 1, filter: all, send: () => {}, close: () => {} })();
    const a = { id: 'a', orgId: 1, seq: 0 };
    for (let n = 1; n <= EVENTS_KEPT_PER_ORG + 10; n++) bus.deviceEvent(a, ++a.seq, 'datastream.update', 'n', n, n);
    bus.deviceEvent({ id: 'b', orgId: 2 }, 1, 'datastream.update', 'n', 1, 1);
    const fromStart = service.resume(1, 1, all);
    expect(fromStart.gap).toBe(true);
    expect(fromStart.events).toHaveLength(EVENTS_KEPT_PER_ORG);
    expect(fromStart.events[0].event.value).toBe(11);
    const orgB = service.resume(2, 1, all);
    expect(orgB.gap).toBe(false);
    expect(orgB.events.map((k) => k.event)).toEqual([expect.objectContaining({ orgId: 2, deviceId: 'b' })]);
    service.onModuleDestroy();
  });

  it("a revoked token's streams are closed, and only those", async () => {
    const revocations = new Revocations();
    const service = new EventStreamService(new EventBus(), revocations, limits());
    service.onModuleInit();
    const closed: number[] = [];
    for (const tokenId of [7, 8, 70])
      service.add({
        orgId: 1,
        tokenId,
        filter: parseEventFilter({}),
        send: () => {},
        close: () => closed.push(tokenId),
      });
    await revocations.revoke({ kind: 'device', id: 'token:8', ended: true });
    await revocations.revoke({ kind: 'service', id: 'token:7', ended: true });
    expect(closed).toEqual([7]);
    service.onModuleDestroy();
  });

  it('buffers nothing of an organization nobody watches: the bus does not even build its events', () => {
    const bus = new EventBus();
    const service = new EventStreamService(bus, new Revocations(), limits());
    service.onModuleInit();
    const d = { id: 'd', orgId: 3, seq: 0 };
    bus.deviceEvent(d, ++d.seq, 'datastream.update', 'n', 1, 1);
    expect(service.resume(3, 0, parseEventFilter({}))).toEqual({ events: [], gap: false });
    expect(d.seq).toBe(1); // the device's sequence moves on all the same
    service.onModuleDestroy();
  });

  it('bounds the resume buffers in bytes per organization and in total, oldest of other orgs first', () => {
    const bus = new EventBus();
    const service = new EventStreamService(
      bus,
      new Revocations(),
      limits({ EVENT_STREAM_RESUME_BYTES_PER_ORG: '20000', EVENT_STREAM_RESUME_BYTES_TOTAL: '30000' }),
    );
    service.onModuleInit();
    const all = parseEventFilter({});
    for (const orgId of [1, 2]) service.add({ orgId, tokenId: 1, filter: all, send: () => {}, close: () => {} })();
    const big = 'x'.repeat(1000);
    for (let n = 1; n <= 100; n++) bus.deviceEvent({ id: 'a', orgId: 1 }, 1, 'datastream.update', 'n', big, n);
    const a = service.resume(1, 0, all);
    expect(a.gap).toBe(true);
    const aBytes = a.events.reduce((sum, k) => sum + k.bytes, 0);
    expect(aBytes).toBeLessThanOrEqual(20000);
    expect(a.events.length).toBeGreaterThan(10);
    expect(service.resumeBytes()).toBe(aBytes);
    for (let n = 1; n <= 15; n++) bus.deviceEvent({ id: 'b', orgId: 2 }, 1, 'datastream.update', 'n', big, n);
    expect(service.resumeBytes()).toBeLessThanOrEqual(30000);
    expect(service.resume(2, 0, all)).toMatchObject({ gap: false }); // org 1's oldest made room
    expect(service.resume(2, 0, all).events).toHaveLength(15);
    expect(service.resume(1, 0, all).events.length).toBeLessThan(a.events.length);
    service.onModuleDestroy();
  });

  it('caps open streams per token and per organization with a 429 naming the setting', () => {
    const service = new EventStreamService(
      new EventBus(),
      new Revocations(),
      limits({ EVENT_STREAMS_PER_TOKEN: '2', EVENT_STREAMS_PER_ORG: '3' }),
    );
    const open = (orgId: number, tokenId: number) => {
      service.admit(orgId, tokenId);
      return service.add({ orgId, tokenId, filter: parseEventFilter({}), send: () => {}, close: () => {} });
    };
    const refusal = (orgId: number, tokenId: number) => {
      try {
        open(orgId, tokenId);
      } catch (e) {
        return describeError(e);
      }
    };
    const first = open(1, 7);
    open(1, 7);
    expect(refusal(1, 7)).toMatchObject({ status: 429, message: expect.stringMatching(/EVENT_STREAMS_PER_TOKEN/) });
    open(1, 8);
    expect(refusal(1, 9)).toMatchObject({ status: 429, message: expect.stringMatching(/EVENT_STREAMS_PER_ORG/) });
    expect(refusal(2, 9)).toBeUndefined(); // another organization is not affected
    first();
    first(); // removing twice frees one place only
    expect(refusal(1, 7)).toBeUndefined();
    expect(refusal(1, 7)).toMatchObject({ status: 429 });
  });

  it('validates kinds and matches exact kinds, prefixes and devices', () => {
    const message = (kind: string) => {
      try {
        parseEventFilter({ kind });
      } catch (e) {
        return describeError(e);
      }
    };
    expect(message('nope')).toMatchObject({
      status: 400,
      message: expect.stringMatching(/"nope" is not an event kind/),
    });
    expect(message('zzz.*')?.message).toMatch(/"zzz.\*" is not an event kind/);
    const f = parseEventFilter({ kind: ['device.status.*', 'log.event'], deviceId: 'x,y' });
    expect([...f.kinds]).toEqual(['log.event']);
    expect(f.kindPrefixes).toEqual(['device.status.']);
    expect([...f.deviceIds]).toEqual(['x', 'y']);
  });
});

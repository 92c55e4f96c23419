import { describeError } from '../common/api-error.js';
import { EventBus } from '../events/event-bus.js';
import type { DeviceEvent } from '../events/device-event.js';
import { Revocations } from '../events/revocations.js';
import { EventRing } from './event-ring.js';
import { parseEventFilter } from './event-filter.js';
import { EVENTS_KEPT_PER_ORG, EventStreamService } from './event-stream.service.js';

const event = (orgId: number, deviceId: string, n: number): DeviceEvent => ({
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
    const ring = new EventRing(3);
    for (let id = 1; id <= 5; id++) ring.push({ id, ...event(1, 'd', id) });
    expect(ring.since(0).map((e) => e.id)).toEqual([3, 4, 5]);
    expect(ring.since(4).map((e) => e.id)).toEqual([5]);
    expect(ring.lostAfter(1)).toBe(true);
    expect(ring.lostAfter(2)).toBe(false);
  });
});

describe('EventStreamService', () => {
  it('buffers per organization, bounded, and reports a gap past the buffer', () => {
    const bus = new EventBus();
    const service = new EventStreamService(bus, new Revocations());
    service.onModuleInit();
    const all = parseEventFilter({});
    // Both orgs were watched a moment ago (a stream opened and closed): their events are buffered for resumption.
    for (const orgId of [1, 2]) service.add({ orgId, tokenId: 1, filter: all, send: () => {}, close: () => {} })();
    const a = { id: 'a', orgId: 1, seq: 0 };
    for (let n = 1; n <= EVENTS_KEPT_PER_ORG + 10; n++) bus.deviceEvent(a, 'datastream.update', 'n', n, n);
    bus.deviceEvent({ id: 'b', orgId: 2, seq: 0 }, 'datastream.update', 'n', 1, 1);
    const fromStart = service.resume(1, 1, all);
    expect(fromStart.gap).toBe(true);
    expect(fromStart.events).toHaveLength(EVENTS_KEPT_PER_ORG);
    expect(fromStart.events[0].value).toBe(11);
    const orgB = service.resume(2, 1, all);
    expect(orgB).toEqual({ events: [expect.objectContaining({ orgId: 2, deviceId: 'b' })], gap: false });
    service.onModuleDestroy();
  });

  it("a revoked token's streams are closed, and only those", async () => {
    const revocations = new Revocations();
    const service = new EventStreamService(new EventBus(), revocations);
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
    const service = new EventStreamService(bus, new Revocations());
    service.onModuleInit();
    const d = { id: 'd', orgId: 3, seq: 0 };
    bus.deviceEvent(d, 'datastream.update', 'n', 1, 1);
    expect(service.resume(3, 0, parseEventFilter({}))).toEqual({ events: [], gap: false });
    expect(d.seq).toBe(1); // the device's sequence moves on all the same
    service.onModuleDestroy();
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

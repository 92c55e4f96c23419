import type { GatewayEvent } from './gateway-event.js';
import { EventBus } from './event-bus.js';

describe('EventBus', () => {
  it('builds a device event only when some listener wants its (org, kind, key), and always takes the seq', () => {
    const bus = new EventBus();
    const temps: GatewayEvent[] = [];
    const all: GatewayEvent[] = [];
    const offTemps = bus.subscribe(
      (e) => void temps.push(e),
      (orgId, kind, key) => orgId === 1 && kind === 'datastream.update' && key === 'temp',
    );
    const device = { id: 'd1', orgId: 1, seq: 0 };
    bus.deviceEvent(device, ++device.seq, 'datastream.update', 'humidity', 50, 1);
    bus.deviceEvent(device, ++device.seq, 'datastream.update', 'temp', 20, 2);
    expect(temps.map((e) => [e.key, e.seq])).toEqual([['temp', 2]]);
    expect(device.seq).toBe(2);

    // A listener without an interest gets everything; unsubscribing one leaves the other in place.
    bus.subscribe((e) => void all.push(e));
    offTemps();
    bus.deviceEvent(device, ++device.seq, 'datastream.update', 'temp', 21, 3);
    expect([temps.length, all.map((e) => e.seq)]).toEqual([1, [3]]);
  });
});

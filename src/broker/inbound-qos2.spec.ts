import { InboundQos2Window } from './inbound-qos2.js';

describe('InboundQos2Window', () => {
  const bounds = { count: 3, bytes: 100 };

  it('admits up to the count and the bytes, and says which bound one more would pass', () => {
    const w = new InboundQos2Window();
    expect(w.admit(1, 40, bounds)).toBeNull();
    expect(w.admit(2, 40, bounds)).toBeNull();
    expect(w.admit(3, 30, bounds)).toBe('qos2_inflight_bytes');
    expect(w.admit(3, 20, bounds)).toBeNull();
    expect(w.admit(4, 1, bounds)).toBe('qos2_inflight');
    expect([w.held, w.bytes]).toEqual([3, 100]);
  });

  it('charges a retransmitted id once, and frees its room when Aedes deletes it (PUBREL)', () => {
    const w = new InboundQos2Window();
    w.admit(7, 60, bounds);
    w.add(7); // Aedes, once the packet is stored
    expect(w.admit(7, 60, bounds)).toBeNull();
    expect([w.held, w.bytes]).toEqual([1, 60]);
    expect(w.delete(7)).toBe(true);
    expect([w.held, w.bytes, w.size]).toEqual([0, 0, 0]);
    expect(w.admit(8, 100, bounds)).toBeNull();
  });
});

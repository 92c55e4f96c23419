import { metadataExcess, valueBytes, valuesExcess } from './device-limits.js';
import { newDevice } from './device.model.js';

const limits = { maxDatastreams: 2, maxValueBytes: 16, maxMetadataKeys: 2, maxMetadataBytes: 32 };

describe('device limits', () => {
  it('measures values as stored JSON', () => {
    expect(valueBytes('héllo')).toBe(Buffer.byteLength('"héllo"'));
    expect(valueBytes(21.5)).toBe(4);
    expect(valueBytes({ a: [1, 2] })).toBe(JSON.stringify({ a: [1, 2] }).length);
  });

  it('counts only new datastream names against the bound', () => {
    const d = newDevice({ id: 'd', orgId: 1, name: 'd', tokenHash: 'h' });
    d.values = { a: { value: 1, ts: 1 }, b: { value: 1, ts: 1 } };
    expect(valuesExcess(d, { a: 2, b: 3 }, 13, limits)).toBeNull();
    expect(valuesExcess(d, { a: 2, c: 3 }, 13, limits)).toBe('too_many_datastreams');
    expect(valuesExcess(d, { constructor: 1 }, 17, limits)).toBe('too_many_datastreams'); // own names only
  });

  it('measures each value only when the message itself is over the value bound', () => {
    const d = newDevice({ id: 'd', orgId: 1, name: 'd', tokenHash: 'h' });
    expect(valuesExcess(d, { a: 'x'.repeat(20) }, 16, limits)).toBeNull(); // a message within it: nothing measured
    expect(valuesExcess(d, { a: 'x'.repeat(20) }, 29, limits)).toBe('value_too_large');
    expect(valuesExcess(d, { a: 'x'.repeat(10), b: 'y'.repeat(10) }, 29, limits)).toBeNull();
  });

  it('bounds metadata by keys, then by bytes of JSON', () => {
    expect(metadataExcess({ a: 1, b: 2 }, limits)).toBeNull();
    expect(metadataExcess({ a: 1, b: 2, c: 3 }, limits)).toBe('too_many_metadata_keys');
    expect(metadataExcess({ a: 'x'.repeat(30) }, limits)).toBe('metadata_too_large');
  });
});

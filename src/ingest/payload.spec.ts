import { checkJson, parseBatch, parseInfo, parseStatus, parseValue } from './payload.js';

const b = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s) : Buffer.from(s));
const value = (s: string) => parseValue(b(s));

describe('payload rules', () => {
  it('reads numbers, strings, booleans and JSON values', () => {
    expect(value('21.5')).toEqual({ ok: true, value: 21.5 });
    expect(value('-3')).toEqual({ ok: true, value: -3 });
    expect(value('hello')).toEqual({ ok: true, value: 'hello' });
    expect(value('12abc')).toEqual({ ok: true, value: '12abc' });
    expect(value('"quoted"')).toEqual({ ok: true, value: 'quoted' });
    expect(value('true')).toEqual({ ok: true, value: true });
    expect(value('{"a":[1,2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
  });

  it.each([
    ['', 'empty_payload'],
    ['NaN', 'non_finite'],
    ['Infinity', 'non_finite'],
    ['1e999', 'non_finite'],
    ['{"a":', 'invalid_json'],
    ['{"__proto__":1}', 'forbidden_key'],
    ['{"a":{"constructor":1}}', 'forbidden_key'],
    ['[[[[[[[[[1]]]]]]]]]', 'too_deep'],
  ])('drops %j as %s', (payload, reason) => {
    expect(value(payload)).toEqual({ ok: false, reason });
  });

  it('drops bytes that are not UTF-8', () => {
    expect(parseValue(b([0x68, 0xff]))).toEqual({ ok: false, reason: 'invalid_utf8' });
  });

  it('reads statuses plain and as JSON', () => {
    expect(parseStatus(b('online'))).toEqual({ ok: true, value: { status: 'online' } });
    expect(parseStatus(b('{"status":"unplugged","name":"P"}'))).toEqual({
      ok: true,
      value: { status: 'unplugged', name: 'P' },
    });
    expect(parseStatus(b('asleep'))).toEqual({ ok: false, reason: 'unknown_status' });
    expect(parseStatus(b('{"status":"asleep"}'))).toEqual({ ok: false, reason: 'unknown_status' });
  });

  it('requires a batch to be an object of valid names', () => {
    expect(parseBatch(b('{"a":1,"b.c":"x"}'))).toEqual({ ok: true, value: { a: 1, 'b.c': 'x' } });
    expect(parseBatch(b('[1]'))).toEqual({ ok: false, reason: 'wrong_type' });
    expect(parseBatch(b('{" a":1}'))).toEqual({ ok: false, reason: 'bad_name' });
    // Blynk's names hold inner spaces (docs/mqtt.md "Moving Blynk devices").
    expect(parseBatch(b('{"Device On":true}'))).toEqual({ ok: true, value: { 'Device On': true } });
  });

  it('splits info into known fields and metadata', () => {
    expect(parseInfo(b('{"name":"N","type":"LOCAL","model":"X"}'))).toEqual({
      ok: true,
      value: { name: 'N', type: 'LOCAL', templateId: undefined, metadata: { model: 'X' } },
    });
    expect(parseInfo(b('{"type":"SECRET"}'))).toEqual({ ok: false, reason: 'wrong_type' });
  });

  it('checkJson leaves ordinary objects alone', () => {
    expect(checkJson({ a: [1, { b: 'c' }] })).toBeNull();
  });
});

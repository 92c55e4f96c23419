import { renderJson, renderText, renderUrl } from './template.js';

const values: Record<string, unknown> = {
  device_name: 'Lab "A"\n',
  device_pinValue: 21.5,
  s: 'a&b=c/d?e#f',
  obj: { x: 1 },
};
const resolve = (n: string) => values[n];

describe('template', () => {
  it('percent-encodes values in URLs', () => {
    expect(renderUrl('https://x.test/{s}?v={device_pinValue}&u={unknown}', resolve)).toBe(
      'https://x.test/a%26b%3Dc%2Fd%3Fe%23f?v=21.5&u=',
    );
  });

  it('escapes JSON by place: inside strings and as literals', () => {
    const out = renderJson(
      '{"name": "{device_name} x", "t": {device_pinValue}, "s": {s}, "o": {obj}, "u": "{unknown}"}',
      resolve,
    );
    expect(JSON.parse(out)).toEqual({ name: 'Lab "A"\n x', t: 21.5, s: 'a&b=c/d?e#f', o: { x: 1 }, u: '' });
  });

  it('renders an unfilled placeholder as null in a value position and as empty text elsewhere', () => {
    expect(JSON.parse(renderJson('{"a": {unknown}, "b": [{unknown}, 1], "c": "x{unknown}y"}', resolve))).toEqual({
      a: null,
      b: [null, 1],
      c: 'xy',
    });
    expect(renderText('t={unknown}.', resolve)).toBe('t=.');
    expect(renderText('{unknown}', resolve, true)).toBe('');
  });

  it('keeps braces of the JSON itself and escaped quotes intact', () => {
    expect(JSON.parse(renderJson('{"a": {"b": "q\\"{device_pinValue}"}}', resolve))).toEqual({ a: { b: 'q"21.5' } });
  });

  it('strips control characters from header values only', () => {
    expect(renderText('v={device_name}', resolve, true)).toBe('v=Lab "A" ');
    expect(renderText('v={device_name}', resolve)).toBe('v=Lab "A"\n');
  });
});

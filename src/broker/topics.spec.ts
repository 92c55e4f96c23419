import { deviceIdOf, isValidFilter, parseDeviceTopic } from './topics.js';

describe('topic grammar', () => {
  it('parses device topics', () => {
    expect(parseDeviceTopic('devices/pump-1/ds/temp')).toEqual({ deviceId: 'pump-1', kind: 'ds', key: 'temp' });
    expect(parseDeviceTopic('devices/a:b.c/status')).toEqual({ deviceId: 'a:b.c', kind: 'status', key: '' });
    expect(parseDeviceTopic('devices/x/downlink/cmd/set')).toEqual({ deviceId: 'x', kind: 'downlink', key: 'cmd/set' });
    expect(parseDeviceTopic('devices/x/whatever')).toMatchObject({ kind: 'other' });
    expect(parseDeviceTopic('devices//ds/x')).toBeNull();
    expect(parseDeviceTopic('orgs/1/x')).toBeNull();
    expect(deviceIdOf('devices/only')).toBeNull();
  });

  it.each(['a', 'a/b', '+', '#', 'a/+/b', 'a/#', '+/+', '/', 'a//b', '$SYS/#'])('accepts the filter %s', (f) => {
    expect(isValidFilter(f)).toBe(true);
  });

  it.each(['', 'a+', 'ab/+e', 'a#', 'a/#/b', '#/a', '++', 'a/b#'])('refuses the malformed filter %j', (f) => {
    expect(isValidFilter(f)).toBe(false);
  });
});

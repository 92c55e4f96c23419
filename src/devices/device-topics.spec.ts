import { deviceIdOf, parseDeviceTopic } from './device-topics.js';

describe('device topic grammar', () => {
  it('parses device topics', () => {
    expect(parseDeviceTopic('devices/pump-1/ds/temp')).toEqual({ deviceId: 'pump-1', kind: 'ds', key: 'temp' });
    expect(parseDeviceTopic('devices/a:b.c/status')).toEqual({ deviceId: 'a:b.c', kind: 'status', key: '' });
    expect(parseDeviceTopic('devices/x/downlink/cmd/set')).toEqual({ deviceId: 'x', kind: 'downlink', key: 'cmd/set' });
    expect(parseDeviceTopic('devices/x/whatever')).toMatchObject({ kind: 'other' });
    expect(parseDeviceTopic('devices//ds/x')).toBeNull();
    expect(parseDeviceTopic('orgs/1/x')).toBeNull();
    expect(deviceIdOf('devices/only')).toBeNull();
  });
});

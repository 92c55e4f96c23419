import { canUseMqtt, scopeAllows } from './scopes.js';

describe('Losant scope grammar', () => {
  it('grants by exact scope, resource wildcard, org-wide and org-wide read', () => {
    expect(scopeAllows(['devices.get'], 'devices.get', true)).toBe(true);
    expect(scopeAllows(['devices.*'], 'devices.post', false)).toBe(true);
    expect(scopeAllows(['device.*'], 'devices.post', false)).toBe(false);
    expect(scopeAllows(['all.Organization'], 'device.delete', false)).toBe(true);
    expect(scopeAllows(['all.Organization.read'], 'device.get', true)).toBe(true);
    expect(scopeAllows(['all.Organization.read'], 'device.delete', false)).toBe(false);
    expect(scopeAllows([], 'device.get', true)).toBe(false);
  });

  it('lets only mqtt.* or all.Organization connect to the broker', () => {
    expect(canUseMqtt(['mqtt.*'])).toBe(true);
    expect(canUseMqtt(['all.Organization'])).toBe(true);
    expect(canUseMqtt(['all.Organization.read', 'devices.*'])).toBe(false);
  });
});

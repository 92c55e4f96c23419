import { startModules, type ModuleRig } from '../../test/support/modules.js';
import type { GatewayEvent } from '../events/gateway-event.js';
import { EventBus } from '../events/event-bus.js';
import { newDevice } from './device.model.js';
import { DeviceRegistry } from './device-registry.js';
import { DevicesModule } from './devices.module.js';

describe('DeviceRegistry, the one writer of a device', () => {
  let rig: ModuleRig;
  let registry: DeviceRegistry;
  beforeEach(async () => {
    rig = await startModules([DevicesModule]);
    registry = rig.ctx.get(DeviceRegistry);
  });
  afterEach(() => rig.close());

  it('gives every event the next sequence number, even one no listener wants', async () => {
    const d = await registry.addDevice(newDevice({ id: 'r-1', orgId: 1, name: 'd', tokenHash: 'h' }));
    const temps: GatewayEvent[] = [];
    rig.ctx.get(EventBus).subscribe(
      (e) => void temps.push(e),
      (_org, kind, key) => kind === 'datastream.update' && key === 'temp',
    );
    registry.recordValue(d, 'humidity', 50, 1);
    registry.recordValue(d, 'temp', 20, 2);
    expect(temps.map((e) => [e.key, e.seq])).toEqual([['temp', 2]]);
    expect(d.seq).toBe(2);
  });

  it('replaces a datastream value instead of changing it, so what was handed out keeps the old one', async () => {
    const d = await registry.addDevice(newDevice({ id: 'r-2', orgId: 1, name: 'd', tokenHash: 'h' }));
    registry.recordValue(d, 'temp', 20, 1);
    const before = d.values.temp;
    registry.recordValue(d, 'temp', 21, 2);
    expect([before, d.values.temp]).toEqual([
      { value: 20, ts: 1 },
      { value: 21, ts: 2 },
    ]);
  });

  it('finds a device by its token hash while that token is its own (Blynk login), across every change', async () => {
    const d = await registry.addDevice(newDevice({ id: 'r-3', orgId: 1, name: 'd', tokenHash: 'h1' }));
    expect(registry.deviceByTokenHash('h1')).toBe(d);
    await registry.configureDevice(d, { tokenHash: 'h2' });
    expect([registry.deviceByTokenHash('h1'), registry.deviceByTokenHash('h2')]).toEqual([undefined, d]);
    // As another instance stored it (cluster/): a new token there, then deleted there.
    registry.reloadDevice('r-3', { ...newDevice({ id: 'r-3', orgId: 1, name: 'd', tokenHash: 'h3' }) });
    expect([registry.deviceByTokenHash('h2'), registry.deviceByTokenHash('h3')]).toEqual([undefined, d]);
    registry.reloadDevice('r-3', null);
    expect(registry.deviceByTokenHash('h3')).toBeUndefined();
    registry.reloadDevice('r-4', newDevice({ id: 'r-4', orgId: 1, name: 'e', tokenHash: 'h4' }));
    expect(registry.deviceByTokenHash('h4')?.id).toBe('r-4');
    await registry.removeDevice(registry.device('r-4')!);
    expect(registry.deviceByTokenHash('h4')).toBeUndefined();
  });
});

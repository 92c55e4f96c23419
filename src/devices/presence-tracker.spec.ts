import { jest } from '@jest/globals';
import { startModules, type ModuleRig } from '../../test/support/modules.js';
import type { GatewayEvent } from '../events/gateway-event.js';
import { EventBus } from '../events/event-bus.js';
import type { Agent } from './agent.model.js';
import { type Device, newDevice } from './device.model.js';
import { DeviceRegistry } from './device-registry.js';
import { DevicesModule } from './devices.module.js';
import { PresenceTracker } from './presence-tracker.js';

let n = 0;
const device = (over: Partial<Device> = {}): Device =>
  newDevice({ id: `p-${++n}`, orgId: 1, name: 'd', tokenHash: 'h', ...over });

describe('PresenceTracker', () => {
  let rig: ModuleRig;
  let presence: PresenceTracker;
  let registry: DeviceRegistry;
  let events: GatewayEvent[];
  const kinds = (id: string) => events.filter((e) => e.deviceId === id).map((e) => e.kind);

  async function start(env: Record<string, string> = {}) {
    rig = await startModules([DevicesModule], env);
    presence = rig.ctx.get(PresenceTracker);
    registry = rig.ctx.get(DeviceRegistry);
    events = [];
    rig.ctx.get(EventBus).subscribe((e) => void events.push(e));
  }
  afterEach(() => rig.close());

  it('is online while any connection lives; the first connection is announced once', async () => {
    await start();
    const d = device();
    await registry.addDevice(d);
    const a = {};
    const b = {};
    presence.connected(d.id, a);
    presence.connected(d.id, b); // a takeover registers the new connection before the old one closes
    presence.disconnected(d.id, a);
    expect(d.status).toBe('online');
    presence.disconnected(d.id, b);
    presence.connected(d.id, {});
    expect(kinds(d.id)).toEqual([
      'device.first_connection',
      'device.status.online',
      'device.status.offline',
      'device.status.online',
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('follows Kobiton: back online after utilizing is not reported, but the sequence moves on', async () => {
    await start();
    const d = device();
    await registry.addDevice(d);
    presence.connected(d.id, {});
    presence.report(d, 'utilizing', Date.now());
    presence.report(d, 'online', Date.now());
    presence.report(d, 'unplugged', Date.now());
    expect(kinds(d.id)).toEqual([
      'device.first_connection',
      'device.status.online',
      'device.state.utilizing',
      'device.state.unplugged',
    ]);
    expect(d.seq).toBe(5);
  });

  it("takes an agent's devices offline with its last connection, except those connected themselves", async () => {
    await start();
    const agent: Agent = { id: 'agent-1', orgId: 1, name: 'rig', tokenHash: 'h', createdAt: 1, updatedAt: 1 };
    await registry.addAgent(agent);
    const viaAgent = device({ agentId: agent.id, status: 'online' });
    const direct = device({ agentId: agent.id, status: 'online' });
    await registry.addDevice(viaAgent);
    await registry.addDevice(direct);
    const conn = {};
    presence.connected(agent.id, conn);
    presence.connected(direct.id, {});
    presence.disconnected(agent.id, conn);
    expect(viaAgent.status).toBe('offline');
    expect(direct.status).toBe('online');
  });

  it('settles at start: nothing survives a restart online', async () => {
    await start();
    const d = device({ status: 'utilizing' });
    await registry.addDevice(d);
    await rig.ctx.close();
    await start({ DATA_DIR: rig.dataDir });
    // A fresh start (its onApplicationBootstrap) found the stored device utilizing and set it offline.
    expect(rig.ctx.get(DeviceRegistry).device(d.id)?.status).toBe('offline');
  });

  it('waits PRESENCE_OFFLINE_GRACE_MS before going offline, and a reconnect within it cancels that', async () => {
    await start({ PRESENCE_OFFLINE_GRACE_MS: '1000' });
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const d = device();
      await registry.addDevice(d);
      const first = {};
      const second = {};
      presence.connected(d.id, first);
      presence.disconnected(d.id, first);
      jest.advanceTimersByTime(999);
      presence.connected(d.id, second); // back within the grace
      jest.advanceTimersByTime(5000);
      expect(d.status).toBe('online');
      presence.disconnected(d.id, {}); // a connection it never counted changes nothing
      presence.disconnected(d.id, second);
      jest.advanceTimersByTime(999);
      expect(d.status).toBe('online');
      jest.advanceTimersByTime(1);
      expect(d.status).toBe('offline');
      expect(kinds(d.id)).toEqual(['device.first_connection', 'device.status.online', 'device.status.offline']);
    } finally {
      jest.useRealTimers();
    }
  });
});

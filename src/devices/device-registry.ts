import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { WriteBehind } from '../common/write-behind.js';
import { GatewayConfig } from '../config/gateway-config.js';
import { type Agent, type Device, STORAGE, type StorageDriver } from '../storage/ports.js';

/**
 * The live device and agent registry. Every record is held in memory so the MQTT path (auth, ACL, presence,
 * last values) never waits on storage; runtime changes are marked dirty and written behind in one batch
 * per flush interval. Configuration changes from REST are written through at once.
 */
@Injectable()
export class DeviceRegistry implements OnApplicationShutdown {
  private readonly devices = new Map<string, Device>();
  private readonly agents = new Map<string, Agent>();
  /** agent id → its devices, and each device's agent as indexed (to move it when its agentId changes). */
  private readonly byAgent = new Map<string, Set<Device>>();
  private readonly indexedAgent = new Map<Device, string>();
  private readonly dirty: WriteBehind<Device>;

  constructor(
    @Inject(STORAGE) private readonly storage: StorageDriver,
    private readonly config: GatewayConfig,
  ) {
    this.dirty = new WriteBehind(
      'devices',
      (batch) => storage.devices.saveMany(batch),
      (d) => this.devices.has(d.id),
    );
  }

  async load(): Promise<void> {
    for (const d of await this.storage.devices.all()) {
      this.devices.set(d.id, d);
      this.reindex(d);
    }
    for (const a of await this.storage.agents.all()) this.agents.set(a.id, a);
    this.dirty.start(this.config.PRESENCE_FLUSH_MS);
  }

  device(id: string): Device | undefined {
    return this.devices.get(id);
  }
  agent(id: string): Agent | undefined {
    return this.agents.get(id);
  }
  allDevices(): IterableIterator<Device> {
    return this.devices.values();
  }
  allAgents(): Agent[] {
    return [...this.agents.values()];
  }
  devicesOfAgent(agentId: string): Device[] {
    return [...(this.byAgent.get(agentId) ?? [])];
  }

  async addDevice(device: Device): Promise<void> {
    await this.storage.devices.create(device);
    this.devices.set(device.id, device);
    this.reindex(device);
  }

  async saveDevice(device: Device): Promise<void> {
    device.updatedAt = Date.now();
    this.dirty.forget(device);
    this.reindex(device);
    await this.storage.devices.update(device);
  }

  async removeDevice(device: Device): Promise<void> {
    this.devices.delete(device.id);
    this.dirty.forget(device);
    this.unindex(device);
    await this.storage.devices.delete(device.id);
  }

  async addAgent(agent: Agent): Promise<void> {
    await this.storage.agents.create(agent);
    this.agents.set(agent.id, agent);
  }

  async saveAgent(agent: Agent): Promise<void> {
    agent.updatedAt = Date.now();
    await this.storage.agents.update(agent);
  }

  async removeAgent(agent: Agent): Promise<void> {
    this.agents.delete(agent.id);
    await this.storage.agents.delete(agent.id);
  }

  /** Keeps the agent → devices index in step with `device.agentId` after a REST change. */
  private reindex(device: Device): void {
    if (this.indexedAgent.get(device) === (device.agentId ?? undefined)) return;
    this.unindex(device);
    if (!device.agentId) return;
    let set = this.byAgent.get(device.agentId);
    if (!set) this.byAgent.set(device.agentId, (set = new Set()));
    set.add(device);
    this.indexedAgent.set(device, device.agentId);
  }

  private unindex(device: Device): void {
    const agentId = this.indexedAgent.get(device);
    if (agentId === undefined) return;
    this.byAgent.get(agentId)?.delete(device);
    this.indexedAgent.delete(device);
  }

  /** Called on the hot path: no I/O, the write happens at the next flush. */
  touch(device: Device): void {
    this.dirty.mark(device);
  }

  /** Writes every dirty device in one commit. */
  flush(): Promise<void> {
    return this.dirty.flush();
  }

  onApplicationShutdown(): Promise<void> {
    return this.dirty.stop();
  }
}

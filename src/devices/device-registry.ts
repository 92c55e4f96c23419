import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config.js';
import { type Agent, type Device, STORAGE, type StorageDriver } from '../storage/ports.js';

/**
 * The live device and agent registry. Every record is held in memory so the MQTT path (auth, ACL, presence,
 * last values) never waits on storage; runtime changes are marked dirty and written behind in one batch
 * per flush interval. Configuration changes from REST are written through at once.
 */
@Injectable()
export class DeviceRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger(DeviceRegistry.name);
  private readonly devices = new Map<string, Device>();
  private readonly agents = new Map<string, Agent>();
  private readonly dirty = new Set<Device>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(@Inject(STORAGE) private readonly storage: StorageDriver, private readonly config: GatewayConfig) {}

  async load(): Promise<void> {
    for (const d of await this.storage.devices.all()) this.devices.set(d.id, d);
    for (const a of await this.storage.agents.all()) this.agents.set(a.id, a);
    this.timer = setInterval(() => void this.flush(), this.config.PRESENCE_FLUSH_MS);
    this.timer.unref();
  }

  device(id: string): Device | undefined { return this.devices.get(id); }
  agent(id: string): Agent | undefined { return this.agents.get(id); }
  allDevices(): IterableIterator<Device> { return this.devices.values(); }
  allAgents(): Agent[] { return [...this.agents.values()]; }
  devicesOfAgent(agentId: string): Device[] { return [...this.devices.values()].filter((d) => d.agentId === agentId); }

  async addDevice(device: Device): Promise<void> {
    await this.storage.devices.create(device);
    this.devices.set(device.id, device);
  }

  async saveDevice(device: Device): Promise<void> {
    device.updatedAt = Date.now();
    this.dirty.delete(device);
    await this.storage.devices.update(device);
  }

  async removeDevice(device: Device): Promise<void> {
    this.devices.delete(device.id);
    this.dirty.delete(device);
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

  /** Called on the hot path: no I/O, the write happens at the next flush. */
  touch(device: Device): void {
    this.dirty.add(device);
  }

  /** Writes every dirty device in one commit. Flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.dirty.size === 0) return;
      const batch = [...this.dirty];
      this.dirty.clear();
      try {
        await this.storage.devices.saveMany(batch);
      } catch (err) {
        for (const d of batch) if (this.devices.has(d.id)) this.dirty.add(d);
        this.logger.error(`presence write-behind failed, will retry: ${(err as Error).message}`);
      }
    });
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}

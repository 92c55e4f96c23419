import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { WriteBehind } from '../common/write-behind.js';
import { GatewayConfig } from '../config/gateway-config.js';
import type { Durable, EventKind } from '../events/device-event.js';
import { EventBus } from '../events/event-bus.js';
import { Revocations } from '../events/revocations.js';
import type { Agent } from './agent.model.js';
import { AGENT_REPOSITORY, type AgentRepository } from './agent.repository.js';
import type { Device } from './device.model.js';
import { deviceTopicRoot } from './device-topics.js';
import { DEVICE_REPOSITORY, type DeviceRepository } from './device.repository.js';

/**
 * The live device and agent registry. Every record is held in memory so the MQTT path (auth, ACL, presence,
 * last values) never waits on storage; runtime changes are marked dirty and written behind in one batch
 * per flush interval. Configuration changes from REST are written through at once.
 */
@Injectable()
export class DeviceRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly devices = new Map<string, Device>();
  private readonly agents = new Map<string, Agent>();
  /** agent id → its devices, and each device's agent as indexed (to move it when its agentId changes). */
  private readonly byAgent = new Map<string, Set<Device>>();
  private readonly indexedAgent = new Map<Device, string>();
  private readonly dirty: WriteBehind<Device>;

  constructor(
    @Inject(DEVICE_REPOSITORY) private readonly deviceRepo: DeviceRepository,
    @Inject(AGENT_REPOSITORY) private readonly agentRepo: AgentRepository,
    private readonly bus: EventBus,
    private readonly revocations: Revocations,
    private readonly config: GatewayConfig,
  ) {
    this.dirty = new WriteBehind(
      'devices',
      (batch) => deviceRepo.saveMany(batch),
      (d) => this.devices.has(d.id),
    );
  }

  async onModuleInit(): Promise<void> {
    for (const d of await this.deviceRepo.all()) {
      this.devices.set(d.id, d);
      this.reindex(d);
    }
    for (const a of await this.agentRepo.all()) this.agents.set(a.id, a);
    this.dirty.start(this.config.WRITE_BEHIND_FLUSH_MS);
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
    await this.deviceRepo.create(device);
    this.devices.set(device.id, device);
    this.reindex(device);
  }

  async saveDevice(device: Device): Promise<void> {
    device.updatedAt = Date.now();
    // Still dirty if it was: the REST write stores configuration, the write-behind the runtime state.
    this.reindex(device);
    await this.deviceRepo.update(device);
  }

  async removeDevice(device: Device): Promise<void> {
    this.devices.delete(device.id);
    this.dirty.forget(device);
    this.unindex(device);
    await this.deviceRepo.delete(device.id);
    await this.revocations.revoke({
      kind: 'device',
      id: device.id,
      ended: true,
      retainedUnder: deviceTopicRoot(device.id),
    });
  }

  async addAgent(agent: Agent): Promise<void> {
    await this.agentRepo.create(agent);
    this.agents.set(agent.id, agent);
  }

  async saveAgent(agent: Agent): Promise<void> {
    agent.updatedAt = Date.now();
    await this.agentRepo.update(agent);
  }

  async removeAgent(agent: Agent): Promise<void> {
    this.agents.delete(agent.id);
    await this.agentRepo.delete(agent.id);
    await this.revocations.revoke({ kind: 'agent', id: agent.id, ended: true });
  }

  /**
   * A device as another instance stored it (cluster/): its configuration replaces ours in place (sessions keep
   * their record); the runtime state this instance owns (presence, values, sequence) is kept. Deleted or given
   * a new token elsewhere ⇒ its sessions here are closed.
   */
  reloadDevice(id: string, stored: Device | null): void {
    const local = this.devices.get(id);
    if (!stored) {
      if (!local) return;
      this.devices.delete(id);
      this.dirty.forget(local);
      this.unindex(local);
      void this.revocations.revoke({ kind: 'device', id, ended: true, retainedUnder: deviceTopicRoot(id) });
      return;
    }
    if (!local) {
      this.devices.set(id, stored);
      this.reindex(stored);
      return;
    }
    const tokenChanged = local.tokenHash !== stored.tokenHash;
    const { name, type, templateId, groupIds, agentId, metadata, tokenHash, updatedAt } = stored;
    Object.assign(local, { name, type, templateId, groupIds, agentId, metadata, tokenHash, updatedAt });
    this.reindex(local);
    if (tokenChanged) void this.revocations.revoke({ kind: 'device', id, ended: false });
  }

  /** Like reloadDevice: deleted or given a new token elsewhere ⇒ its sessions here are closed. */
  reloadAgent(id: string, stored: Agent | null): void {
    if (stored) {
      const local = this.agents.get(id);
      const tokenChanged = local !== undefined && local.tokenHash !== stored.tokenHash;
      if (local) Object.assign(local, stored);
      else this.agents.set(id, stored);
      if (tokenChanged) void this.revocations.revoke({ kind: 'agent', id, ended: false });
      return;
    }
    if (this.agents.delete(id)) void this.revocations.revoke({ kind: 'agent', id, ended: true });
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

  /** An event of `device`: it takes the device's next sequence number, written behind with the rest. */
  emit(device: Device, kind: EventKind, key: string, value: unknown, ts: number): Durable {
    this.dirty.mark(device);
    return this.bus.deviceEvent(device, kind, key, value, ts);
  }

  /** Writes every dirty device in one commit. */
  flush(): Promise<void> {
    return this.dirty.flush();
  }

  onApplicationShutdown(): Promise<void> {
    return this.dirty.stop();
  }
}

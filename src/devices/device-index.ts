import type { Device } from './device.model.js';

/**
 * The registry's in-memory lookups of its devices: by id, by agent, by token hash. It reads a device's
 * agentId and tokenHash to keep them in step and writes no field: DeviceRegistry stays the one writer.
 */
export class DeviceIndex {
  private readonly byId = new Map<string, Device>();
  /** agent id → its devices, and each device's agent as indexed (to move it when its agentId changes). */
  private readonly byAgent = new Map<string, Set<Device>>();
  private readonly indexedAgent = new Map<Device, string>();
  /** token hash → device: Blynk's login names no device, its token does (broker/blynk/). */
  private readonly byTokenHash = new Map<string, Device>();

  get(id: string): Device | undefined {
    return this.byId.get(id);
  }
  has(id: string): boolean {
    return this.byId.has(id);
  }
  values(): IterableIterator<Device> {
    return this.byId.values();
  }
  ofAgent(agentId: string): Device[] {
    return [...(this.byAgent.get(agentId) ?? [])];
  }
  withTokenHash(tokenHash: string): Device | undefined {
    return this.byTokenHash.get(tokenHash);
  }

  add(device: Device): void {
    this.byId.set(device.id, device);
    this.reindex(device);
    this.byTokenHash.set(device.tokenHash, device);
  }

  /** After a change of the device's configuration: its agent and token (once `oldTokenHash`) may have moved. */
  changed(device: Device, oldTokenHash: string): void {
    this.reindex(device);
    this.reindexToken(device, oldTokenHash);
  }

  remove(device: Device): void {
    this.byId.delete(device.id);
    this.unindex(device);
    this.reindexToken(device, device.tokenHash, false);
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

  /** Keeps the token index in step: `oldHash` no longer names `device`; its current hash does while `kept`. */
  private reindexToken(device: Device, oldHash: string, kept = true): void {
    if (this.byTokenHash.get(oldHash) === device) this.byTokenHash.delete(oldHash);
    if (kept) this.byTokenHash.set(device.tokenHash, device);
  }

  private unindex(device: Device): void {
    const agentId = this.indexedAgent.get(device);
    if (agentId === undefined) return;
    this.byAgent.get(agentId)?.delete(device);
    this.indexedAgent.delete(device);
  }
}

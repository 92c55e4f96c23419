import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { WriteBehind } from '../common/write-behind.js';
import { GatewayConfig } from '../config/gateway-config.js';
import type { Durable, EventKind } from '../events/gateway-event.js';
import { EventBus } from '../events/event-bus.js';
import { Revocations } from '../events/revocations.js';
import type { Agent } from './agent.model.js';
import { AGENT_REPOSITORY, type AgentRepository } from './agent.repository.js';
import {
  type Device,
  type DeviceInfo,
  type DeviceRecord,
  type DeviceSettings,
  type DeviceStatus,
  STATUS_EVENT_KIND,
} from './device.model.js';
import type { PresenceState } from './connection-ledger.repository.js';
import { deviceTopicRoot } from './device-topics.js';
import { DEVICE_REPOSITORY, type DeviceRepository } from './device.repository.js';
import { DeviceIndex } from './device-index.js';
import { HistoryRecorder } from './history/history-recorder.js';
import { StopReport } from '../observability/stop-report.js';

/**
 * The live device and agent registry. Every record is held in memory so the MQTT path (auth, ACL, presence,
 * last values) never waits on storage; runtime changes are marked dirty and written behind in one batch
 * per flush interval. Configuration changes from REST are written through at once.
 *
 * The one writer of a device (issue 21): records are handed out read-only (`DeviceRecord`) and changed only
 * through the named operations below, which hold the rules (values replaced, never changed in place; sequence
 * numbers only move forward) and the write-behind. Who decides (ingest, presence, REST) calls them.
 */
@Injectable()
export class DeviceRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly devices = new DeviceIndex();
  private readonly agents = new Map<string, Agent>();
  private readonly dirty: WriteBehind<Device>;

  constructor(
    @Inject(DEVICE_REPOSITORY) private readonly deviceRepo: DeviceRepository,
    @Inject(AGENT_REPOSITORY) private readonly agentRepo: AgentRepository,
    private readonly bus: EventBus,
    private readonly revocations: Revocations,
    private readonly config: GatewayConfig,
    private readonly history: HistoryRecorder,
    stopReport: StopReport,
  ) {
    this.dirty = new WriteBehind(
      'devices',
      (batch) => deviceRepo.saveMany(batch),
      (d) => this.devices.has(d.id),
      stopReport,
    );
  }

  async onModuleInit(): Promise<void> {
    for (const d of await this.deviceRepo.all()) this.devices.add(d);
    for (const a of await this.agentRepo.all()) this.agents.set(a.id, a);
    this.dirty.start(this.config.WRITE_BEHIND_FLUSH_MS);
  }

  device(id: string): DeviceRecord | undefined {
    return this.devices.get(id);
  }
  agent(id: string): Agent | undefined {
    return this.agents.get(id);
  }
  allDevices(): IterableIterator<DeviceRecord> {
    return this.devices.values();
  }
  allAgents(): Agent[] {
    return [...this.agents.values()];
  }
  devicesOfAgent(agentId: string): DeviceRecord[] {
    return this.devices.ofAgent(agentId);
  }
  /** The device whose token hashes to `tokenHash` (a token is 32 random bytes: it names one device). */
  deviceByTokenHash(tokenHash: string): DeviceRecord | undefined {
    return this.devices.withTokenHash(tokenHash);
  }

  /** A new device (newDevice()): the registry keeps it from here on; the caller reads it only. */
  async addDevice(device: Device): Promise<DeviceRecord> {
    await this.deviceRepo.create(device);
    this.devices.add(device);
    return device;
  }

  /** REST changes of its configuration, written through at once. */
  async configureDevice(record: DeviceRecord, settings: DeviceSettings): Promise<void> {
    const device = this.own(record);
    const oldTokenHash = device.tokenHash;
    Object.assign(device, settings);
    device.updatedAt = Date.now();
    // Still dirty if it was: the REST write stores configuration, the write-behind the runtime state.
    this.devices.changed(device, oldTokenHash);
    await this.deviceRepo.update(device);
  }

  async removeDevice(record: DeviceRecord): Promise<void> {
    const device = this.own(record);
    this.devices.remove(device);
    this.dirty.forget(device);
    await this.deviceRepo.delete(device.id);
    await this.history.deleteDevice(device.orgId, device.id);
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

  /** A new token for an agent, written through at once. */
  async setAgentToken(agent: Agent, tokenHash: string): Promise<void> {
    agent.tokenHash = tokenHash;
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
      this.devices.remove(local);
      this.dirty.forget(local);
      void this.revocations.revoke({ kind: 'device', id, ended: true, retainedUnder: deviceTopicRoot(id) });
      return;
    }
    if (!local) {
      this.devices.add(stored);
      return;
    }
    const oldTokenHash = local.tokenHash;
    const tokenChanged = oldTokenHash !== stored.tokenHash;
    const { name, type, templateId, groupIds, agentId, metadata, tokenHash, updatedAt } = stored;
    Object.assign(local, { name, type, templateId, groupIds, agentId, metadata, tokenHash, updatedAt });
    this.devices.changed(local, oldTokenHash);
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

  // Runtime state, on the hot path: no I/O, each change is written at the next flush.

  /** A message of the device was taken in, or it connected. */
  seen(record: DeviceRecord, ts: number): void {
    this.own(record).lastSeen = ts;
    this.dirty.mark(record as Device);
  }

  /**
   * A datastream value: it replaces the previous one (never changed in place: snapshots hold the old), and is
   * appended to the datastream's history (written behind).
   */
  recordValue(record: DeviceRecord, key: string, value: unknown, ts: number): Durable {
    this.own(record).values[key] = { value, ts };
    this.history.append(record.orgId, record.id, key, value, ts);
    return this.emit(record, 'datastream.update', key, value, ts);
  }

  /** A datastream's value erased (Blynk's `ds/{name}/erase`): it has no current value until the next one. */
  eraseValue(record: DeviceRecord, key: string): void {
    const device = this.own(record);
    if (!Object.hasOwn(device.values, key)) return;
    delete device.values[key];
    this.dirty.mark(device);
  }

  /** A log event: the last one is kept; the history lives in the event stream and the webhooks. */
  recordLogEvent(record: DeviceRecord, code: string, description: string, ts: number): Durable {
    this.own(record).lastEvent = { code, description, ts };
    return this.emit(record, 'log.event', code, description, ts);
  }

  /** What the device reported about itself (already within its bounds); `reported` is the event's value. */
  applyInfo(record: DeviceRecord, info: DeviceInfo, reported: unknown, ts: number): Durable {
    const device = this.own(record);
    if (info.name) device.name = info.name;
    if (info.type) device.type = info.type;
    if (info.templateId) device.templateId = info.templateId;
    device.metadata = info.metadata;
    device.reportedAt = ts;
    return this.emit(device, 'device.info', '', reported, ts);
  }

  /** The name a status message carries. */
  rename(record: DeviceRecord, name: string): void {
    const device = this.own(record);
    device.name = name;
    device.reportedAt = Date.now();
    this.dirty.mark(device);
  }

  /** Its first connection ever: announced once. */
  firstConnected(record: DeviceRecord, ts: number): Durable {
    this.own(record).firstConnectedAt = ts;
    return this.emit(record, 'device.first_connection', '', null, ts);
  }

  /** A presence transition; `announce` false (Kobiton's rules) takes its sequence number without an event. */
  setStatus(record: DeviceRecord, to: DeviceStatus, ts: number, announce: boolean): Durable {
    const device = this.own(record);
    const from = device.status;
    device.status = to;
    if (announce) return this.emit(device, STATUS_EVENT_KIND[to], '', { from, to }, ts);
    device.seq++;
    this.dirty.mark(device);
    return undefined;
  }

  /**
   * Presence another instance announced or stored, taken as is (it is stored already: not written behind).
   * Sequence numbers only move forward: event numbers continue after the highest seen.
   */
  adoptPresence(record: DeviceRecord, state: Partial<PresenceState>): void {
    const device = this.own(record);
    const { seq, ...rest } = state;
    if (seq !== undefined && device.seq < seq) device.seq = seq;
    Object.assign(device, rest);
  }

  /** Marks the device for the next write-behind flush. */
  touch(record: DeviceRecord): void {
    this.dirty.mark(record as Device);
  }

  /** An event of the device: it takes the device's next sequence number, written behind with the rest. */
  emit(record: DeviceRecord, kind: EventKind, key: string, value: unknown, ts: number): Durable {
    const device = this.own(record);
    const seq = ++device.seq; // taken even when no listener wants the event
    this.dirty.mark(device);
    return this.bus.deviceEvent(device, seq, kind, key, value, ts);
  }

  /** The registry's own (writable) record behind a read-only one it handed out. */
  private own(record: DeviceRecord): Device {
    return record as Device;
  }

  /** Writes every dirty device in one commit. */
  flush(): Promise<void> {
    return this.dirty.flush();
  }

  onApplicationShutdown(): Promise<void> {
    return this.dirty.stop();
  }
}

import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { DuplicateKeyError } from '../common/duplicate-key.error.js';
import { hashToken, newId, newToken } from '../common/secrets.js';
import { GatewayConfig } from '../config/gateway-config.js';
import { Revocations } from '../events/revocations.js';
import { type DeviceLimits, deviceLimits, limitMessage, metadataExcess } from './device-limits.js';
import type { Agent } from './agent.model.js';
import { type Device, type DeviceRecord, type DeviceSettings, newDevice } from './device.model.js';
import { DeviceRegistry } from './device-registry.js';
import type { CreateAgentDto, CreateDeviceDto, ListDevicesQuery, UpdateDeviceDto } from './devices.dto.js';
import { PresenceTracker } from './presence-tracker.js';
import { resourceLog } from '../observability/resource-log.js';

export type DeviceView = Omit<Device, 'tokenHash'>;
export const deviceView = ({ tokenHash: _h, ...d }: DeviceRecord): DeviceView => d;
export const agentView = ({ tokenHash: _h, ...a }: Agent) => a;

/** Device and agent lifecycle: ids and tokens issued here, tokens shown once and kept hashed. */
@Injectable()
export class DevicesService {
  private readonly limits: DeviceLimits;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly presence: PresenceTracker,
    private readonly revocations: Revocations,
    config: GatewayConfig,
  ) {
    this.limits = deviceLimits(config);
  }

  async create(orgId: number, dto: CreateDeviceDto): Promise<DeviceView & { token: string }> {
    this.checkMetadata(dto.metadata);
    if (dto.agentId) this.agentOf(orgId, dto.agentId);
    if (dto.id && (this.registry.device(dto.id) || this.registry.agent(dto.id)))
      throw ApiError.conflict(`id ${dto.id} is taken`);
    const token = newToken('dev');
    const now = Date.now();
    const device = newDevice(
      {
        id: dto.id ?? newId('d'),
        orgId,
        name: dto.name,
        tokenHash: hashToken(token),
        type: dto.type ?? 'PRIVATE',
        templateId: dto.templateId ?? null,
        groupIds: dto.groupIds ?? [],
        agentId: dto.agentId ?? null,
        metadata: dto.metadata ?? {},
      },
      now,
    );
    let added: DeviceRecord;
    try {
      added = await this.registry.addDevice(device);
    } catch (e) {
      if (e instanceof DuplicateKeyError) throw ApiError.conflict(`id ${device.id} is taken`);
      throw e;
    }
    this.registry.emit(added, 'device.added', '', null, now);
    resourceLog.created('device', orgId, added.id, added.name);
    return { ...deviceView(added), token };
  }

  list(orgId: number, q: ListDevicesQuery): { items: DeviceView[]; page: number; size: number; total: number } {
    const all = [...this.registry.allDevices()].filter(
      (d) =>
        d.orgId === orgId &&
        (!q.status || d.status === q.status) &&
        (!q.type || d.type === q.type) &&
        (!q.templateId || d.templateId === q.templateId),
    );
    all.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    return {
      items: all.slice(q.page * q.size, (q.page + 1) * q.size).map(deviceView),
      page: q.page,
      size: q.size,
      total: all.length,
    };
  }

  /** A device of another org is reported exactly like a missing one. */
  get(orgId: number, id: string): DeviceRecord {
    const d = this.registry.device(id);
    if (!d || d.orgId !== orgId) throw ApiError.notFound('Device');
    return d;
  }

  async update(orgId: number, id: string, dto: UpdateDeviceDto): Promise<DeviceView> {
    const d = this.get(orgId, id);
    this.checkMetadata(dto.metadata);
    if (dto.agentId) this.agentOf(orgId, dto.agentId);
    const settings = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as DeviceSettings;
    await this.registry.configureDevice(d, settings);
    return deviceView(d);
  }

  async remove(orgId: number, id: string): Promise<void> {
    const d = this.get(orgId, id);
    await this.registry.removeDevice(d);
    this.registry.emit(d, 'device.deleted', '', null, Date.now());
    resourceLog.deleted('device', orgId, id, d.name);
  }

  rotateToken(orgId: number, id: string): Promise<{ id: string; token: string }> {
    const d = this.get(orgId, id);
    return this.reissue('device', d.id, (tokenHash) => this.registry.configureDevice(d, { tokenHash }));
  }

  async createAgent(orgId: number, dto: CreateAgentDto) {
    if (dto.id && (this.registry.device(dto.id) || this.registry.agent(dto.id)))
      throw ApiError.conflict(`id ${dto.id} is taken`);
    const token = newToken('agt');
    const now = Date.now();
    const agent: Agent = {
      id: dto.id ?? newId('a'),
      orgId,
      name: dto.name,
      tokenHash: hashToken(token),
      createdAt: now,
      updatedAt: now,
    };
    await this.registry.addAgent(agent);
    resourceLog.created('agent', orgId, agent.id, agent.name);
    return { ...agentView(agent), token };
  }

  agentOf(orgId: number, id: string): Agent {
    const a = this.registry.agent(id);
    if (!a || a.orgId !== orgId) throw ApiError.notFound('Agent');
    return a;
  }

  listAgents(orgId: number) {
    return this.registry
      .allAgents()
      .filter((a) => a.orgId === orgId)
      .map((a) => ({
        ...agentView(a),
        connected: this.presence.isConnected(a.id),
        devices: this.registry.devicesOfAgent(a.id).map((d) => d.id),
      }));
  }

  async removeAgent(orgId: number, id: string): Promise<void> {
    const a = this.agentOf(orgId, id);
    if (this.registry.devicesOfAgent(id).length > 0)
      throw ApiError.conflict(`agent ${id} still has devices assigned; reassign them first`);
    await this.registry.removeAgent(a);
    resourceLog.deleted('agent', orgId, id, a.name);
  }

  rotateAgentToken(orgId: number, id: string): Promise<{ id: string; token: string }> {
    const a = this.agentOf(orgId, id);
    return this.reissue('agent', a.id, (tokenHash) => this.registry.setAgentToken(a, tokenHash));
  }

  /** REST metadata replaces the device's: it alone must keep within the bounds (devices/device-limits.ts). */
  private checkMetadata(metadata: Record<string, unknown> | undefined): void {
    const excess = metadata && metadataExcess(metadata, this.limits);
    if (excess) throw ApiError.badRequest(limitMessage(excess, this.limits));
  }

  /** A new token, shown once; sessions opened with the old one are closed. */
  private async reissue(kind: 'device' | 'agent', id: string, save: (tokenHash: string) => Promise<void>) {
    const token = newToken(kind === 'device' ? 'dev' : 'agt');
    await save(hashToken(token));
    await this.revocations.revoke({ kind, id, ended: false });
    return { id, token };
  }
}

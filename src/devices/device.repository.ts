import type { Device } from './device.model.js';

export const DEVICE_REPOSITORY = Symbol('DeviceRepository');

export interface DeviceRepository {
  /** Fails with DuplicateKeyError('id') when the id is taken. */
  create(device: Device): Promise<Device>;
  /** Every device, for the in-memory registry loaded at start. */
  all(): Promise<Device[]>;
  findById(id: string): Promise<Device | null>;
  /** The stored devices among `ids` (missing ones left out), in one read. */
  findByIds(ids: string[]): Promise<Device[]>;
  update(device: Device): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Write-behind of presence and last values: many devices, one commit. */
  saveMany(devices: Device[]): Promise<void>;
}

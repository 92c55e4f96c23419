import type { Device } from '../../devices/device.model.js';
import type { DeviceRepository } from '../../devices/device.repository.js';
import { MongoDocumentCollection } from './document-collection.js';
import { bulkWrite } from './bulk-writes.js';

/** What REST changes, and what the instance holding the device changes at run time. */
const CONFIG_FIELDS = [
  'name',
  'type',
  'templateId',
  'groupIds',
  'agentId',
  'metadata',
  'tokenHash',
  'updatedAt',
] as const;
const RUNTIME_FIELDS = ['status', 'lastSeen', 'firstConnectedAt', 'values', 'lastEvent'] as const;

/** `$set` of some fields of the stored `doc`, leaving the others as another instance wrote them. */
const setFields = (d: Device, fields: readonly (keyof Device)[]) =>
  Object.fromEntries(fields.map((f) => [`doc.${f}`, d[f]]));

/**
 * Several instances write one device: REST through any of them (configuration), the write-behind of the one
 * holding its connection (runtime state). Each writes its own fields, so neither undoes the other's change.
 */
export class MongoDeviceRepository extends MongoDocumentCollection<Device> implements DeviceRepository {
  async findByIds(ids: string[]): Promise<Device[]> {
    if (ids.length === 0) return [];
    return (await this.m.find({ _id: { $in: ids } }).lean()).map((o) => o.doc as Device);
  }

  async saveMany(devices: Device[]): Promise<void> {
    if (devices.length === 0) return;
    await bulkWrite(
      this.m,
      devices.map((d) => ({
        updateOne: {
          filter: { _id: d.id },
          // seq only ever grows: a device's events are numbered on from the highest any holder gave out
          update: { $set: setFields(d, RUNTIME_FIELDS), $max: { 'doc.seq': d.seq } },
        },
      })),
      { ordered: false },
    );
  }

  override async update(device: Device): Promise<void> {
    await this.write(device, { $set: setFields(device, CONFIG_FIELDS) });
  }
}

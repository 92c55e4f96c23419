import type { Device } from '../../devices/device.model.js';
import type { DeviceRepository } from '../../devices/device.repository.js';
import { MongoDocumentCollection } from './document-collection.js';

export class MongoDeviceRepository extends MongoDocumentCollection<Device> implements DeviceRepository {
  async saveMany(devices: Device[]): Promise<void> {
    if (devices.length === 0) return;
    await this.m.bulkWrite(
      devices.map((d) => ({ updateOne: { filter: { _id: d.id }, update: { $set: { doc: d } } } })),
      { ordered: false },
    );
  }
}

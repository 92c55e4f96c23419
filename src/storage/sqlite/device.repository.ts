import type Database from 'better-sqlite3';
import type { Device } from '../../devices/device.model.js';
import type { DeviceRepository } from '../../devices/device.repository.js';
import { SqliteDocumentTable } from './document-table.js';

export class SqliteDeviceRepository extends SqliteDocumentTable<Device> implements DeviceRepository {
  private readonly updateDoc = this.db.prepare('UPDATE devices SET doc = ? WHERE id = ?');
  private readonly batch = this.db.transaction((devices: Device[]) => {
    for (const d of devices) this.updateDoc.run(JSON.stringify(d), d.id);
  });

  constructor(db: Database.Database) {
    super(db, 'devices');
  }

  async findByIds(ids: string[]): Promise<Device[]> {
    const found: Device[] = [];
    for (const id of ids) {
      const d = await this.findById(id);
      if (d) found.push(d);
    }
    return found;
  }

  async saveMany(devices: Device[]): Promise<void> {
    this.batch(devices);
  }
}

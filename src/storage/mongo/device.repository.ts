import type { Device } from '../../devices/device.model.js';
import type { DeviceRepository } from '../../devices/device.repository.js';
import type { ChangeKind } from '../../cluster/change-log.repository.js';
import type { BulkWrites } from './bulk-writes.js';
import { MongoDocumentCollection } from './document-collection.js';
import type { MongoChangeLog } from './change-log.js';
import { type AnyModel, isDuplicate } from './model.js';

/** What the instance holding the device's connection changes at run time; everything else is REST's. */
const RUNTIME_FIELDS = ['status', 'lastSeen', 'firstConnectedAt', 'values', 'lastEvent'] as const;
type Runtime = Pick<Device, (typeof RUNTIME_FIELDS)[number]>;
/** What the device reports about itself (info, a status message's name): configuration the holder writes too. */
const REPORTED_FIELDS = ['name', 'type', 'templateId', 'metadata', 'reportedAt'] as const;
type Reported = Pick<Device, (typeof REPORTED_FIELDS)[number]>;
interface RuntimeRow {
  _id: string;
  seq?: number;
  state: Runtime;
  reported?: Reported;
}

const runtimeOf = (d: Device): Runtime =>
  Object.fromEntries(RUNTIME_FIELDS.map((f) => [f, d[f]])) as unknown as Runtime;
const reportedOf = (d: Device): Reported =>
  Object.fromEntries(REPORTED_FIELDS.map((f) => [f, d[f]])) as unknown as Reported;

/**
 * Several instances write one device: REST through any of them (its configuration, in `devices`), the
 * write-behind of the one holding its connection (its runtime state, in `device_runtime`). Two collections, not
 * two sets of fields of one document: FerretDB v1 applies every update as read-modify-write of the whole
 * document, so a `$set` of some fields raced by a `$set` of others on the same document can undo them (a token
 * rotation through A was lost under B's write-behind). Each document now has one writer at a time; reads merge
 * the two, the runtime row winning, and rows of earlier releases (runtime state inside `doc`) read as before.
 */
export class MongoDeviceRepository extends MongoDocumentCollection<Device> implements DeviceRepository {
  constructor(
    m: AnyModel,
    private readonly runtimeM: AnyModel,
    changes: MongoChangeLog,
    kind: ChangeKind,
    private readonly bulk: BulkWrites,
  ) {
    super(m, changes, kind);
  }

  override async findById(id: string): Promise<Device | null> {
    const [device, runtime] = await Promise.all([super.findById(id), this.runtimeM.findById(id).lean()]);
    return device && merge(device, runtime as RuntimeRow | null);
  }

  override async all(): Promise<Device[]> {
    const [devices, runtime] = await Promise.all([super.all(), this.runtimeM.find().lean()]);
    return withRuntime(devices, runtime as RuntimeRow[]);
  }

  async findByIds(ids: string[]): Promise<Device[]> {
    if (ids.length === 0) return [];
    const [rows, runtime] = await Promise.all([
      this.m.find({ _id: { $in: ids } }).lean(),
      this.runtimeM.find({ _id: { $in: ids } }).lean(),
    ]);
    return withRuntime(
      rows.map((o) => o.doc as Device),
      runtime as RuntimeRow[],
    );
  }

  /**
   * The write-behind. Upserted, so a device stored by an earlier release gets its row on its first write; a
   * write racing the device's deletion can leave a row of no device, which nothing reads.
   */
  async saveMany(devices: Device[]): Promise<void> {
    if (devices.length === 0) return;
    const ops = devices.map((d) => ({
      updateOne: {
        filter: { _id: d.id },
        // seq only ever grows: a device's events are numbered on from the highest any holder gave out
        // What the device reported goes with its run-time state (else it was lost at a restart); REST's later
        // configuration wins on read (`merge`), so a stale copy here never undoes it.
        update: {
          $set: d.reportedAt ? { state: runtimeOf(d), reported: reportedOf(d) } : { state: runtimeOf(d) },
          $max: { seq: d.seq },
        },
        upsert: true,
      },
    }));
    try {
      await this.bulk.write(this.runtimeM, ops, { ordered: false });
    } catch (e) {
      // Two upserts of a row not there yet: FerretDB fails the loser with E11000 where MongoDB retries it
      // itself. The row is there now, so the same updates once more (each sets, or only raises seq).
      if (!isDuplicate(e)) throw e;
      await this.bulk.write(this.runtimeM, ops, { ordered: false });
    }
  }

  override async create(device: Device): Promise<Device> {
    await super.create(device);
    // a replace, not an insert: a row left by a write-behind that raced an earlier device of this id is overwritten
    await this.runtimeM.replaceOne({ _id: device.id }, { seq: device.seq, state: runtimeOf(device) }, { upsert: true });
    return device;
  }

  override async delete(id: string): Promise<boolean> {
    const deleted = await super.delete(id);
    await this.runtimeM.deleteOne({ _id: id });
    return deleted;
  }
}

function merge(device: Device, runtime: RuntimeRow | null | undefined): Device {
  if (!runtime) return device;
  const reported = runtime.reported?.reportedAt && runtime.reported.reportedAt > device.updatedAt;
  return {
    ...device,
    ...(reported ? runtime.reported : {}),
    ...runtime.state,
    seq: Math.max(device.seq, runtime.seq ?? 0),
  };
}

function withRuntime(devices: Device[], runtime: RuntimeRow[]): Device[] {
  const byId = new Map(runtime.map((r) => [r._id, r]));
  return devices.map((d) => merge(d, byId.get(d.id)));
}

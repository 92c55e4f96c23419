import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startModules, type ModuleRig } from '../../../test/support/modules.js';
import { GatewayMetrics } from '../../observability/gateway-metrics.js';
import { newDevice } from '../device.model.js';
import { DeviceRegistry } from '../device-registry.js';
import { DevicesModule } from '../devices.module.js';
import { HistoryRecorder } from './history-recorder.js';
import { DATASTREAM_HISTORY_REPOSITORY, type DatastreamHistoryRepository } from './history.repository.js';

describe('HistoryRecorder while storage fails', () => {
  let rig: ModuleRig;
  beforeEach(async () => {
    rig = await startModules([DevicesModule], { HISTORY_BUFFER_MAX: '1000', WRITE_BEHIND_FLUSH_MS: '600000' });
  });
  afterEach(() => rig.close());

  it('keeps the rows it can hold, drops the oldest past HISTORY_BUFFER_MAX (counted), and writes the rest later', async () => {
    const registry = rig.ctx.get(DeviceRegistry);
    const recorder = rig.ctx.get(HistoryRecorder);
    const repo = rig.ctx.get<DatastreamHistoryRepository>(DATASTREAM_HISTORY_REPOSITORY);
    const d = await registry.addDevice(newDevice({ id: 'hf-1', orgId: 1, name: 'd', tokenHash: 'h' }));
    // The table goes away under the gateway (a real fault of the real file, from a second connection).
    const other = new Database(join(rig.dataDir, 'gateway.db'));
    other.exec('ALTER TABLE datastream_history RENAME TO hidden');
    for (let i = 0; i < 600; i++) registry.recordValue(d, 'temp', i, 1000 + i);
    await expect(recorder.flush()).resolves.toBeUndefined(); // failed, kept for the next flush
    for (let i = 600; i < 1500; i++) registry.recordValue(d, 'temp', i, 1000 + i);
    await recorder.flush();
    expect(d.values.temp).toEqual({ value: 1499, ts: 2499 }); // the last value stays on the device
    const dropped = await rig.ctx
      .get(GatewayMetrics)
      .registry.getSingleMetric('gateway_history_rows_dropped_total')!
      .get();
    const droppedRows = dropped.values[0].value;
    expect(droppedRows).toBeGreaterThanOrEqual(500);

    other.exec('ALTER TABLE hidden RENAME TO datastream_history');
    other.close();
    await recorder.flush();
    expect(await repo.count('hf-1', 'temp')).toBe(1500 - droppedRows);
    const window = { orgId: 1, deviceId: 'hf-1', name: 'temp', from: 0, to: 10_000 };
    const { points } = await repo.range(window, 10_000);
    expect(points[0].value).toBe(droppedRows); // the oldest went first
    expect(points.at(-1)).toEqual({ ts: 2499, value: 1499 });
  });
});

describe('HistoryRecorder with HISTORY_ENABLED=false', () => {
  it('keeps the last value only', async () => {
    const rig = await startModules([DevicesModule], { HISTORY_ENABLED: 'false' });
    try {
      const registry = rig.ctx.get(DeviceRegistry);
      const d = await registry.addDevice(newDevice({ id: 'hf-2', orgId: 1, name: 'd', tokenHash: 'h' }));
      registry.recordValue(d, 'temp', 1, 1000);
      registry.recordValue(d, 'temp', 2, 1001);
      await rig.ctx.get(HistoryRecorder).flush();
      expect(d.values.temp).toEqual({ value: 2, ts: 1001 });
      expect(await rig.ctx.get<DatastreamHistoryRepository>(DATASTREAM_HISTORY_REPOSITORY).count('hf-2', 'temp')).toBe(
        0,
      );
    } finally {
      await rig.close();
    }
  });
});

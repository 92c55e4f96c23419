import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '../../common/api-error.js';
import { DeviceRegistry } from '../device-registry.js';
import { historyRequest, type HistoryQueryInput } from './history-query.js';
import { HistoryRecorder } from './history-recorder.js';
import {
  DATASTREAM_HISTORY_REPOSITORY,
  type DatastreamHistoryRepository,
  type HistoryBucket,
  type HistoryPoint,
} from './history.repository.js';

interface Subject {
  deviceId: string;
  datastream: string;
  from: number;
  to: number;
}
export type HistoryPoints = Subject & { points: HistoryPoint[]; truncated: boolean };
export type HistoryBuckets = Subject & { bucketMs: number; buckets: HistoryBucket[] };

/** A datastream's history for REST: its raw values in a window, or that window in buckets (for charts). */
@Injectable()
export class HistoryService {
  constructor(
    @Inject(DATASTREAM_HISTORY_REPOSITORY) private readonly repo: DatastreamHistoryRepository,
    private readonly registry: DeviceRegistry,
    private readonly recorder: HistoryRecorder,
  ) {}

  /** A device of another organization is reported exactly like a missing one. */
  async read(
    orgId: number,
    deviceId: string,
    datastream: string,
    q: HistoryQueryInput,
    now: number,
  ): Promise<HistoryPoints | HistoryBuckets> {
    const device = this.registry.device(deviceId);
    if (!device || device.orgId !== orgId) throw ApiError.notFound(`Device ${deviceId}`);
    const { from, to, limit, bucketMs } = historyRequest(q, now);
    // Read your writes: values taken in but not yet written behind are written first (one batch, as a flush).
    await this.recorder.flush();
    const window = { orgId, deviceId, name: datastream, from, to };
    const subject = { deviceId, datastream, from, to };
    if (bucketMs !== null) return { ...subject, bucketMs, buckets: await this.repo.buckets(window, bucketMs) };
    return { ...subject, ...(await this.repo.range(window, limit)) };
  }
}

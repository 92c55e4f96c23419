import { Inject, Injectable } from '@nestjs/common';
import { ApiError, type FieldError } from '../../common/api-error.js';
import { GatewayConfig } from '../../config/gateway-config.js';
import { DATASTREAM_HISTORY_REPOSITORY, type DatastreamHistoryRepository } from './history.repository.js';

/** An organization's history retention: what it chose (null: the global cap) and what applies. */
export interface RetentionSettings {
  retentionDays: number | null;
  maxPointsPerDatastream: number | null;
  effectiveRetentionDays: number;
  effectiveMaxPointsPerDatastream: number;
}

/** What applies to each organization: its own choice within the global caps. */
export interface EffectiveRetention {
  days(orgId: number): number;
  points(orgId: number): number;
}

/**
 * Retention per organization (age and/or count), within the global caps HISTORY_MAX_AGE_DAYS and
 * HISTORY_MAX_POINTS_PER_DATASTREAM: an organization may keep less history, never more.
 */
@Injectable()
export class HistoryRetentionService {
  constructor(
    @Inject(DATASTREAM_HISTORY_REPOSITORY) private readonly repo: DatastreamHistoryRepository,
    private readonly config: GatewayConfig,
  ) {}

  async get(orgId: number): Promise<RetentionSettings> {
    const r = await this.repo.retention(orgId);
    return this.settings(r?.retentionDays ?? null, r?.maxPointsPerDatastream ?? null);
  }

  /** Both fields replaced; null (or absent) means the global cap. A value above its cap is a 400 naming it. */
  async set(
    orgId: number,
    wanted: { retentionDays?: number | null; maxPointsPerDatastream?: number | null },
  ): Promise<RetentionSettings> {
    const retentionDays = wanted.retentionDays ?? null;
    const maxPointsPerDatastream = wanted.maxPointsPerDatastream ?? null;
    const fields: FieldError[] = [];
    const { HISTORY_MAX_AGE_DAYS: maxDays, HISTORY_MAX_POINTS_PER_DATASTREAM: maxPoints } = this.config;
    if (retentionDays !== null && retentionDays > maxDays)
      fields.push({
        path: 'retentionDays',
        message: `retentionDays must not be greater than ${maxDays} (HISTORY_MAX_AGE_DAYS)`,
      });
    if (maxPointsPerDatastream !== null && maxPointsPerDatastream > maxPoints)
      fields.push({
        path: 'maxPointsPerDatastream',
        message: `maxPointsPerDatastream must not be greater than ${maxPoints} (HISTORY_MAX_POINTS_PER_DATASTREAM)`,
      });
    if (fields.length) throw ApiError.invalid(fields);
    await this.repo.setRetention({ orgId, retentionDays, maxPointsPerDatastream });
    return this.settings(retentionDays, maxPointsPerDatastream);
  }

  /** Every organization's limits as they apply now (one read), for a prune run. */
  async effective(): Promise<EffectiveRetention> {
    const chosen = new Map((await this.repo.allRetention()).map((r) => [r.orgId, r]));
    const { HISTORY_MAX_AGE_DAYS: maxDays, HISTORY_MAX_POINTS_PER_DATASTREAM: maxPoints } = this.config;
    return {
      days: (orgId) => Math.min(chosen.get(orgId)?.retentionDays ?? maxDays, maxDays),
      points: (orgId) => Math.min(chosen.get(orgId)?.maxPointsPerDatastream ?? maxPoints, maxPoints),
    };
  }

  private settings(retentionDays: number | null, maxPointsPerDatastream: number | null): RetentionSettings {
    const { HISTORY_MAX_AGE_DAYS: maxDays, HISTORY_MAX_POINTS_PER_DATASTREAM: maxPoints } = this.config;
    return {
      retentionDays,
      maxPointsPerDatastream,
      effectiveRetentionDays: Math.min(retentionDays ?? maxDays, maxDays),
      effectiveMaxPointsPerDatastream: Math.min(maxPointsPerDatastream ?? maxPoints, maxPoints),
    };
  }
}

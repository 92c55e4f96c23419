import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Min } from 'class-validator';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_BUCKETS, HISTORY_MAX_LIMIT, LIMIT_RULE } from './history-query.js';

export class HistoryQuery {
  @ApiPropertyOptional({
    example: '2026-12-06T00:00:00Z',
    description: 'Window start, inclusive: epoch ms or ISO 8601 (default: 24 h before `to`)',
  })
  @IsOptional()
  @IsString()
  from?: string;
  @ApiPropertyOptional({
    example: '1765065600000',
    description: 'Window end, inclusive: epoch ms or ISO 8601 (default: now)',
  })
  @IsOptional()
  @IsString()
  to?: string;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: HISTORY_MAX_LIMIT,
    default: HISTORY_DEFAULT_LIMIT,
    description: 'Raw form: at most this many values, the most recent of the window (then `truncated` is true)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: LIMIT_RULE }) // its range: historyRequest, with the other fields' checks
  limit?: number;
  @ApiPropertyOptional({
    example: '5m',
    description: `Bucket width (ms, or 30s, 5m, 1h, 1d): min, max, avg and count per bucket; at most ${HISTORY_MAX_BUCKETS} buckets in the window`,
  })
  @IsOptional()
  @IsString()
  bucket?: string;
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: 'csv: a file download' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format?: 'json' | 'csv';
}

const RETENTION_RULE = (name: string) => ({ message: `${name} must be a positive integer or null` });

/** Both replace what was set; null or absent: the global cap. */
export class HistoryRetentionDto {
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    example: 7,
    description: 'Keep values this many days (at most HISTORY_MAX_AGE_DAYS); null: the global cap',
  })
  @IsOptional()
  @IsInt(RETENTION_RULE('retentionDays'))
  @Min(1, RETENTION_RULE('retentionDays'))
  retentionDays?: number | null;
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    example: 10000,
    description:
      'Keep at most this many values per datastream, the newest (at most HISTORY_MAX_POINTS_PER_DATASTREAM); null: the global cap',
  })
  @IsOptional()
  @IsInt(RETENTION_RULE('maxPointsPerDatastream'))
  @Min(1, RETENTION_RULE('maxPointsPerDatastream'))
  maxPointsPerDatastream?: number | null;
}

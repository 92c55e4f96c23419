// What the datastream history API answers (the OpenAPI document's response schemas).
import { ApiProperty, ApiSchema } from '@nestjs/swagger';

const MS = 1765065600000;
const ms = (description: string) => ApiProperty({ type: 'integer', format: 'int64', example: MS, description });
const VALUE = {
  oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }, { type: 'object', additionalProperties: true }],
};

@ApiSchema({ name: 'HistoryPoint', description: 'One stored value of a datastream' })
export class HistoryPointView {
  @ms('When it arrived (ms)') ts!: number;
  @ApiProperty({ ...VALUE, example: 21.5, description: 'The value as stored (number, string, boolean or JSON)' })
  value!: unknown;
}

@ApiSchema({ name: 'HistoryBucket', description: 'The values of one bucket (min, max and avg over numbers only)' })
export class HistoryBucketView {
  @ms('Bucket start (ms, a multiple of bucketMs)') start!: number;
  @ApiProperty({ type: 'number', nullable: true, example: 20.5, description: 'Smallest number (null: none)' })
  min!: number | null;
  @ApiProperty({ type: 'number', nullable: true, example: 22, description: 'Largest number (null: none)' })
  max!: number | null;
  @ApiProperty({ type: 'number', nullable: true, example: 21.25, description: 'Mean of the numbers (null: none)' })
  avg!: number | null;
  @ApiProperty({ type: 'integer', example: 12, description: 'Values in the bucket, numbers or not' })
  count!: number;
}

class HistorySubjectView {
  @ApiProperty({ example: 'pump-1', description: 'Device id' }) deviceId!: string;
  @ApiProperty({ example: 'temp', description: 'Datastream name' }) datastream!: string;
  @ms('Window start, inclusive (ms)') from!: number;
  @ms('Window end, inclusive (ms)') to!: number;
}

@ApiSchema({ name: 'DatastreamHistory', description: "A datastream's values in a window, ascending" })
export class DatastreamHistoryView extends HistorySubjectView {
  @ApiProperty({ type: HistoryPointView, isArray: true, description: 'Values, oldest first' })
  points!: HistoryPointView[];
  @ApiProperty({ example: false, description: 'More values than `limit` in the window: these are the most recent' })
  truncated!: boolean;
}

@ApiSchema({ name: 'DatastreamHistoryBuckets', description: "A datastream's window in buckets, ascending" })
export class DatastreamHistoryBucketsView extends HistorySubjectView {
  @ApiProperty({ type: 'integer', example: 300000, description: 'Bucket width (ms)' }) bucketMs!: number;
  @ApiProperty({ type: HistoryBucketView, isArray: true, description: 'Non-empty buckets, oldest first' })
  buckets!: HistoryBucketView[];
}

@ApiSchema({ name: 'HistoryRetention', description: "The organization's datastream history retention" })
export class HistoryRetentionView {
  @ApiProperty({ type: 'integer', nullable: true, example: 7, description: 'Days chosen (null: the global cap)' })
  retentionDays!: number | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 10000,
    description: 'Values per datastream chosen (null: the global cap)',
  })
  maxPointsPerDatastream!: number | null;
  @ApiProperty({ type: 'integer', example: 7, description: 'Days kept: the choice within HISTORY_MAX_AGE_DAYS' })
  effectiveRetentionDays!: number;
  @ApiProperty({
    type: 'integer',
    example: 10000,
    description: 'Values kept per datastream: the choice within HISTORY_MAX_POINTS_PER_DATASTREAM',
  })
  effectiveMaxPointsPerDatastream!: number;
}

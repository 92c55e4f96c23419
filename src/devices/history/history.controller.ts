import { Body, Controller, Get, Param, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthedRequest } from '../../tenancy/auth.guard.js';
import { RequireScope } from '../../tenancy/scopes.js';
import { bucketsCsv, csvFileName, pointsCsv } from './history-csv.js';
import { HistoryQuery, HistoryRetentionDto } from './history.dto.js';
import { HistoryRetentionService } from './history-retention.js';
import { HistoryService } from './history.service.js';
import { DatastreamHistoryBucketsView, DatastreamHistoryView, HistoryRetentionView } from './history.view.js';

@ApiTags('devices')
@ApiBearerAuth()
@ApiExtraModels(DatastreamHistoryView, DatastreamHistoryBucketsView)
@Controller('api/v1/organization/devices')
export class HistoryController {
  constructor(private readonly history: HistoryService) {}

  @Get(':id/datastreams/:name/history')
  @ApiOperation({ summary: "A datastream's history: raw values, or buckets with bucket=; format=csv downloads it" })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'Raw values (DatastreamHistory) or, with bucket, DatastreamHistoryBuckets; CSV with format=csv',
    content: {
      'application/json': {
        schema: {
          oneOf: [
            { $ref: getSchemaPath(DatastreamHistoryView) },
            { $ref: getSchemaPath(DatastreamHistoryBucketsView) },
          ],
        },
      },
      'text/csv': {
        schema: { type: 'string', example: 'ts,time,value\r\n1765065600000,2026-12-07T00:00:00.000Z,21.5\r\n' },
      },
    },
  })
  @RequireScope('device.get')
  async read(
    @Req() req: AuthedRequest,
    @Param('id') id: string,
    @Param('name') name: string,
    @Query() q: HistoryQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    const found = await this.history.read(req.auth.orgId, id, name, q, Date.now());
    if (q.format !== 'csv') return found;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${csvFileName(id, name)}"`);
    return 'buckets' in found ? bucketsCsv(found.buckets) : pointsCsv(found.points);
  }
}

@ApiTags('organization')
@ApiBearerAuth()
@Controller('api/v1/organization/history-retention')
export class HistoryRetentionController {
  constructor(private readonly retention: HistoryRetentionService) {}

  @Get()
  @ApiOperation({ summary: "The organization's datastream history retention" })
  @ApiOkResponse({ type: HistoryRetentionView })
  @RequireScope('organization.get')
  get(@Req() req: AuthedRequest) {
    return this.retention.get(req.auth.orgId);
  }

  @Put()
  @ApiOperation({ summary: "Set the organization's datastream history retention (within the global caps)" })
  @ApiOkResponse({ type: HistoryRetentionView })
  @RequireScope('organization.patch')
  set(@Req() req: AuthedRequest, @Body() dto: HistoryRetentionDto) {
    return this.retention.set(req.auth.orgId, dto);
  }
}

import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '../common/api-error.js';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import { EVENT_KINDS, parseEventFilter } from './event-filter.js';
import { GatewayConfig } from '../config/gateway-config.js';
import type { KeptEvent } from './event-ring.js';
import { EventStreamService } from './event-stream.service.js';
import { sseNotice, sseRetry } from './sse.js';
import { SseStream } from './sse-stream.js';

const DEFAULT_HEARTBEAT_MS = 15_000;

function heartbeatMs(raw: unknown): number {
  if (raw === undefined) return DEFAULT_HEARTBEAT_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 1000 || ms > 60_000)
    throw ApiError.badRequest('heartbeat must be an integer number of milliseconds from 1000 to 60000');
  return ms;
}

function lastEventId(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,15}$/.test(raw)) throw ApiError.badRequest('Last-Event-ID must be an event id from this stream');
  return Number(raw);
}

/** `GET /api/v1/organization/events`: the org's live events as Server-Sent Events. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('api/v1/organization/events')
export class EventStreamController {
  constructor(
    private readonly stream: EventStreamService,
    private readonly config: GatewayConfig,
  ) {}

  @Get()
  @RequireScope('events.get')
  @ApiOperation({
    summary: 'Live events of the token’s organization (text/event-stream)',
    description:
      'Each event is `id: <n>` + `data: <JSON GatewayEvent with id>`. Heartbeat comments keep the stream open. ' +
      'Reconnect with `Last-Event-ID` to get what was missed from a buffer of the newest 1000 events per org ' +
      '(bounded in bytes too: EVENT_STREAM_RESUME_BYTES_PER_ORG); ' +
      'an `event: reset` says some were lost. Bearer token in the Authorization header only. Streams are capped ' +
      'per token and per organization (429 past EVENT_STREAMS_PER_TOKEN / EVENT_STREAMS_PER_ORG).',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'A stream of `id:` + `data:` records, one per event, and heartbeat comments',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiQuery({
    name: 'kind',
    required: false,
    description: `comma-separated: ${EVENT_KINDS.join(', ')}, or a prefix like device.status.*`,
  })
  @ApiQuery({ name: 'deviceId', required: false, description: 'comma-separated device ids' })
  @ApiQuery({ name: 'heartbeat', required: false, description: 'heartbeat interval in ms, 1000–60000 (default 15000)' })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  open(
    @Req() req: AuthedRequest,
    @Res() res: Response,
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastId?: string,
  ): void {
    const filter = parseEventFilter(query);
    const interval = heartbeatMs(query.heartbeat);
    const after = lastEventId(lastId);
    const { orgId, tokenId } = req.auth;
    this.stream.admit(orgId, tokenId);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    let remove = () => {};
    const sse = new SseStream(res, this.config.EVENT_STREAM_MAX_BUFFERED_BYTES, () => remove());
    sse.write(sseRetry(3000));
    if (after > 0) {
      const { events, gap } = this.stream.resume(orgId, after, filter);
      if (gap) sse.write(sseNotice('reset', { reason: 'events after Last-Event-ID were dropped from the buffer' }));
      for (const k of events) {
        if (sse.isClosed) return; // a reader that fell behind during the resume was cut off
        sse.write(k.frame);
      }
    }
    if (sse.isClosed) return;
    const send = (k: KeptEvent) => sse.write(k.frame);
    remove = this.stream.add({ orgId, tokenId, filter, send, close: () => sse.close() });
    sse.heartbeat(interval);
  }
}

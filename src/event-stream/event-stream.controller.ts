import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '../common/api-error.js';
import type { AuthedRequest } from '../tenancy/auth.guard.js';
import { RequireScope } from '../tenancy/scopes.js';
import { EVENT_KINDS, parseEventFilter } from './event-filter.js';
import { EventStreamService, type StreamSubscriber } from './event-stream.service.js';
import { sseEvent, sseHeartbeat, sseNotice, sseRetry } from './sse.js';

const DEFAULT_HEARTBEAT_MS = 15_000;
/** A client that stops reading is cut off once this much is waiting in its socket's buffer. */
const MAX_BUFFERED_BYTES = 1 << 20;

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
  constructor(private readonly stream: EventStreamService) {}

  @Get()
  @RequireScope('events.get')
  @ApiOperation({
    summary: 'Live events of the token’s organization (text/event-stream)',
    description:
      'Each event is `id: <n>` + `data: <JSON DeviceEvent with id>`. Heartbeat comments keep the stream open. ' +
      'Reconnect with `Last-Event-ID` to get what was missed from a buffer of the newest 1000 events per org; ' +
      'an `event: reset` says some were lost. Bearer token in the Authorization header only.',
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
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    const close = () => res.end();
    const write = (chunk: string) => {
      res.write(chunk);
      if (res.writableLength > MAX_BUFFERED_BYTES) close();
    };
    write(sseRetry(3000));
    if (after > 0) {
      const { events, gap } = this.stream.resume(orgId, after, filter);
      if (gap) write(sseNotice('reset', { reason: 'events after Last-Event-ID were dropped from the buffer' }));
      for (const e of events) write(sseEvent(e));
    }
    const subscriber: StreamSubscriber = { orgId, tokenId, filter, send: (e) => write(sseEvent(e)), close };
    const remove = this.stream.add(subscriber);
    const timer = setInterval(() => write(sseHeartbeat(Date.now())), interval);
    res.on('close', () => {
      clearInterval(timer);
      remove();
    });
  }
}

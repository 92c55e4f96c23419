// What the delivery log answers (the OpenAPI document's response schemas; DeliveriesService makes them).
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { DELIVERY_STATUSES } from './delivery.model.js';

const MS = 1707244800000;
const ms = (description: string, nullable = false, example: number | null = MS) =>
  ApiProperty({ type: 'integer', format: 'int64', nullable, example, description });
const int = (description: string, example: number, nullable = false) =>
  ApiProperty({ type: 'integer', nullable, example, description });

@ApiSchema({ name: 'ResponseHeader', description: "One header of the receiver's response" })
export class ResponseHeaderView {
  @ApiProperty({ example: 'content-type', description: 'Header name (lower case)' }) name!: string;
  @ApiProperty({ example: 'application/json', description: 'Header value' }) value!: string;
}

@ApiSchema({ name: 'DeliveryAttempt', description: 'One HTTP attempt of a delivery' })
export class DeliveryAttemptView {
  @int('The delivery', 1) deliveryId!: number;
  @int('Attempt number, from 1', 1) n!: number;
  @ms('When it was sent (ms)') ts!: number;
  @int('How long the receiver took to answer (ms)', 84) durationMs!: number;
  @int("The receiver's HTTP status (null: no answer)", 200, true) statusCode!: number | null;
  @ApiProperty({ example: '{"ok":true}', description: 'Response body, truncated' }) response!: string;
  @ApiProperty({ type: 'string', nullable: true, example: null, description: 'Why it failed without an answer' })
  error!: string | null;
  @ms('When the next attempt is due (null: none)', true, null) nextRetryAt!: number | null;
  @ApiPropertyOptional({ type: ResponseHeaderView, isArray: true, description: "The response's headers, bounded" })
  responseHeaders?: ResponseHeaderView[];
}

@ApiSchema({ name: 'RenderedRequest', description: 'The callback as the next attempt sends it (credentials masked)' })
export class RenderedRequestView {
  @ApiProperty({ example: 'POST', description: 'HTTP method' }) method!: string;
  @ApiProperty({ example: 'https://example.com/webhook/pump-1', description: 'URL, placeholders filled' })
  url!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'content-type': 'application/json' },
    description: 'Request headers (before signing)',
  })
  headers!: Record<string, string>;
  @ApiProperty({ example: '{"device_id": "pump-1"}', description: 'Request body' }) body!: string;
}

@ApiSchema({ name: 'Delivery', description: 'One matched event for one webhook: the outbox row with its attempts' })
export class DeliveryView {
  @int('Delivery ID', 1) id!: number;
  @int('Organization ID', 101) orgId!: number;
  @int('Webhook ID', 1) webhookId!: number;
  @ApiProperty({
    example: 'msg_2b1f8c0e9a7d4e5f',
    description: 'The webhook-id header, the same across attempts and replays (receivers de-duplicate by it)',
  })
  messageId!: string;
  @ApiProperty({ example: 'device.status.offline', description: 'The event that matched' }) event!: string;
  @ApiProperty({ example: 'pump-1', description: 'The device the event is about' }) deviceId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { event: { kind: 'device.status', key: 'OFFLINE', deviceId: 'pump-1', ts: MS } },
    description: 'The matched event and the device as it was then (null in rows stored before)',
  })
  matched!: Record<string, unknown> | null;
  @ApiProperty({ type: RenderedRequestView, nullable: true, description: 'The request the next attempt sends' })
  request!: RenderedRequestView | null;
  @ms('Send time the current rendering uses (null: not rendered yet)', true) renderedAt!: number | null;
  @ms("The webhook's lastModifiedTs this rendering was made for", true) renderedFor!: number | null;
  @ApiProperty({
    enum: DELIVERY_STATUSES,
    example: 'delivered',
    description:
      'pending: waiting for its next attempt. held: kept while its webhook is disabled. delivered, failed ' +
      '(retries exhausted, or 410) and dropped (webhook deleted) are final',
  })
  status!: string;
  @ApiProperty({ type: DeliveryAttemptView, isArray: true, description: 'Its HTTP attempts, first first' })
  attempts!: DeliveryAttemptView[];
  @int('How many attempts were made', 1) attemptCount!: number;
  @int('Attempts before the current round (a replay starts a new round)', 0) roundStart!: number;
  @ms('When the next attempt is due (null: none)', true, null) nextAttemptAt!: number | null;
  @int("The last attempt's HTTP status", 200, true) lastStatusCode!: number | null;
  @ApiProperty({ type: 'string', nullable: true, example: null, description: "The last attempt's error" })
  lastError!: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: null, description: 'Why it was dropped' })
  dropReason!: string | null;
  @ms('Creation timestamp in milliseconds') createdAt!: number;
  @ms('Last change in milliseconds') updatedAt!: number;
}

@ApiSchema({ name: 'EndpointHealth', description: "The endpoint's circuit breaker, as this instance sees it" })
export class EndpointHealthView {
  @ApiProperty({ example: false, description: 'The breaker is open: deliveries wait for the next probe' })
  failing!: boolean;
  @ms('When the next probe is due (null: not failing)', true, null) nextProbeAt!: number | null;
}

@ApiSchema({ name: 'DeliveryPage', description: 'A page of the delivery log, newest first' })
export class DeliveryPageView {
  @ApiProperty({ type: DeliveryView, isArray: true, description: 'The deliveries of this page' })
  items!: DeliveryView[];
  @int('0-based page', 0) page!: number;
  @int('Page size', 20) size!: number;
  @int('Deliveries matching the query', 1) total!: number;
  @ApiProperty({ type: EndpointHealthView, description: 'Why pending deliveries may wait past their retry time' })
  endpoint!: EndpointHealthView;
}

@ApiSchema({ name: 'ReplayStarted', description: 'One delivery queued again' })
export class ReplayStartedView {
  @int('Delivery ID', 1) id!: number;
  @ApiProperty({ example: 'msg_2b1f8c0e9a7d4e5f', description: 'Its webhook-id, unchanged' }) messageId!: string;
  @ApiProperty({ enum: ['pending'], example: 'pending', description: 'Queued for its next attempt' }) status!: string;
}

@ApiSchema({ name: 'ReplayedSince', description: 'The failed and held deliveries queued again' })
export class ReplayedSinceView {
  @int('How many were queued again', 3) replayed!: number;
  @ms('Created since then (ms)') since!: number;
}

@ApiSchema({ name: 'ReplayCount', description: 'What a replay since a time would send' })
export class ReplayCountView {
  @ms('Created since then (ms)') since!: number;
  @int('Failed deliveries', 2) failed!: number;
  @int('Held deliveries', 1) held!: number;
  @int('failed + held', 3) count!: number;
}

@ApiSchema({ name: 'TestResult', description: "The synthetic event's one attempt (not in the delivery log)" })
export class TestResultView {
  @ApiProperty({ example: true, description: 'The receiver answered 2xx' }) delivered!: boolean;
  @int("The receiver's HTTP status (null: no answer)", 200, true) statusCode!: number | null;
  @int('How long the receiver took (ms)', 84) durationMs!: number;
  @ApiProperty({ example: '{"ok":true}', description: 'Response body, truncated' }) response!: string;
  @ApiProperty({ type: 'string', nullable: true, example: null, description: 'Why it failed without an answer' })
  error!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: false,
    example: {},
    description: 'Always empty (kept for the shape)',
  })
  headers!: Record<string, never>;
  @ApiPropertyOptional({ enum: [true], description: "A secret could not be opened with this instance's key" })
  configurationError?: true;
}

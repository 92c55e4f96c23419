import { Inject, Injectable, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { ApiError } from '../common/api-error.js';
import { GatewayConfig } from '../config/gateway-config.js';
import type { GatewayEvent } from '../events/gateway-event.js';
import { EventBus } from '../events/event-bus.js';
import { type Revocation, Revocations } from '../events/revocations.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import { serviceCredential } from '../tenancy/tenancy.service.js';
import { EventRing, type KeptEvent, type StreamedEvent } from './event-ring.js';
import { type EventFilter, matches } from './event-filter.js';
import { sseEvent } from './sse.js';

/** Events kept per organization for `Last-Event-ID` resumption (also bounded in bytes, see the config). */
export const EVENTS_KEPT_PER_ORG = 1000;
/**
 * How long an organization's events are still buffered after its last stream closed: the window a client has
 * to reconnect with `Last-Event-ID`. Organizations nobody watches cost the MQTT path nothing (the bus does not
 * even build events no listener wants).
 */
export const RESUME_WINDOW_MS = 10 * 60_000;

/** The bounds of the event stream, from the configuration (EVENT_STREAM_*). */
export type EventStreamLimits = Pick<
  GatewayConfig,
  | 'EVENT_STREAMS_PER_TOKEN'
  | 'EVENT_STREAMS_PER_ORG'
  | 'EVENT_STREAM_RESUME_BYTES_PER_ORG'
  | 'EVENT_STREAM_RESUME_BYTES_TOTAL'
>;

export interface StreamSubscriber {
  orgId: number;
  /** The API token the stream was opened with: its revocation ends the stream. */
  tokenId: number;
  filter: EventFilter;
  /** Writes one event; never throws (a closed or failing stream ignores it). */
  send(kept: KeptEvent): void;
  close(): void;
}

export interface Resumption {
  events: KeptEvent[];
  /** True when the asked-for id is older than what the buffer still holds: some events were missed. */
  gap: boolean;
}

/**
 * Listens to the in-process EventBus, numbers every event, keeps the newest per org in a ring bounded in count
 * and bytes (and all rings together in bytes) and fans each one out to the open streams of its org (and only
 * its org) whose filter it matches.
 */
@Injectable()
export class EventStreamService implements OnModuleInit, OnModuleDestroy {
  private readonly rings = new Map<number, EventRing>();
  private readonly subscribers = new Map<number, Set<StreamSubscriber>>();
  private readonly perToken = new Map<number, number>();
  /** Org → when its last stream closed (absent while one is open, or never watched). */
  private readonly lastWatched = new Map<number, number>();
  private keptBytes = 0;
  private lastId = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly revocations: Revocations,
    @Inject(GatewayConfig) private readonly limits: EventStreamLimits,
    @Optional() private readonly metrics?: GatewayMetrics,
  ) {}

  onModuleInit(): void {
    this.registerMetrics();
    // Revoking a token ends live access at once: its open streams too (on every instance, see cluster/).
    this.revocations.onRevoked((r) => this.revoked(r));
    this.unsubscribe = this.bus.subscribe(
      (e) => void this.fanOut(e), // nothing durable: a PUBACK never waits on a stream
      (orgId) => this.watched(orgId),
    );
  }

  /** Open streams would keep the HTTP server from closing: end them first. */
  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const set of [...this.subscribers.values()]) for (const s of [...set]) s.close();
    this.subscribers.clear();
  }

  private revoked(r: Revocation): void {
    if (r.kind !== 'service') return;
    for (const set of [...this.subscribers.values()])
      for (const s of [...set]) if (serviceCredential(s.tokenId) === r.id) s.close();
  }

  /** An org with an open stream, or one closed within the resume window. */
  private watched(orgId: number): boolean {
    if (this.subscribers.has(orgId)) return true;
    const closed = this.lastWatched.get(orgId);
    if (closed === undefined) return false;
    if (Date.now() - closed < RESUME_WINDOW_MS) return true;
    this.lastWatched.delete(orgId);
    this.keptBytes -= this.rings.get(orgId)?.bytes ?? 0;
    this.rings.delete(orgId);
    return false;
  }

  private fanOut(event: GatewayEvent): void {
    if (!this.watched(event.orgId)) return; // org events come without the bus's interest check
    const streamed: StreamedEvent = { id: ++this.lastId, ...event };
    const frame = sseEvent(streamed);
    const kept: KeptEvent = { event: streamed, frame, bytes: Buffer.byteLength(frame) };
    this.keep(event.orgId, kept);
    const set = this.subscribers.get(event.orgId);
    if (!set) return;
    // A copy: a send can close its stream, which removes it from the set.
    for (const s of [...set]) if (matches(s.filter, streamed)) s.send(kept);
  }

  /** Into the org's ring; past the total bound the oldest events of other orgs (then this one's) make room. */
  private keep(orgId: number, kept: KeptEvent): void {
    let ring = this.rings.get(orgId);
    if (!ring)
      this.rings.set(orgId, (ring = new EventRing(EVENTS_KEPT_PER_ORG, this.limits.EVENT_STREAM_RESUME_BYTES_PER_ORG)));
    this.keptBytes += kept.bytes - ring.push(kept);
    if (this.keptBytes <= this.limits.EVENT_STREAM_RESUME_BYTES_TOTAL) return;
    for (const [id, other] of this.rings) {
      if (id === orgId) continue;
      while (other.size > 0 && this.keptBytes > this.limits.EVENT_STREAM_RESUME_BYTES_TOTAL)
        this.keptBytes -= other.dropOldest();
      if (this.keptBytes <= this.limits.EVENT_STREAM_RESUME_BYTES_TOTAL) return;
    }
    while (ring.size > 0 && this.keptBytes > this.limits.EVENT_STREAM_RESUME_BYTES_TOTAL)
      this.keptBytes -= ring.dropOldest();
  }

  /** Kept events of the org after `lastEventId` that match the filter. */
  resume(orgId: number, lastEventId: number, filter: EventFilter): Resumption {
    const ring = this.rings.get(orgId);
    if (!ring) return { events: [], gap: false };
    return {
      events: ring.since(lastEventId).filter((k) => matches(filter, k.event)),
      gap: ring.lostAfter(lastEventId),
    };
  }

  /** Refuses a stream past the per-token or per-organization cap (429), before anything is written. */
  admit(orgId: number, tokenId: number): void {
    if ((this.perToken.get(tokenId) ?? 0) >= this.limits.EVENT_STREAMS_PER_TOKEN)
      throw tooMany(
        `this token has ${this.limits.EVENT_STREAMS_PER_TOKEN} event streams open (EVENT_STREAMS_PER_TOKEN)`,
      );
    if ((this.subscribers.get(orgId)?.size ?? 0) >= this.limits.EVENT_STREAMS_PER_ORG)
      throw tooMany(
        `the organization has ${this.limits.EVENT_STREAMS_PER_ORG} event streams open (EVENT_STREAMS_PER_ORG)`,
      );
  }

  /** Registers an open stream (after admit); the returned function removes it, once. */
  add(s: StreamSubscriber): () => void {
    let set = this.subscribers.get(s.orgId);
    if (!set) this.subscribers.set(s.orgId, (set = new Set()));
    set.add(s);
    this.perToken.set(s.tokenId, (this.perToken.get(s.tokenId) ?? 0) + 1);
    this.lastWatched.delete(s.orgId);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      const left = (this.perToken.get(s.tokenId) ?? 1) - 1;
      if (left > 0) this.perToken.set(s.tokenId, left);
      else this.perToken.delete(s.tokenId);
      set.delete(s);
      if (set.size > 0 || this.subscribers.get(s.orgId) !== set) return;
      this.subscribers.delete(s.orgId);
      this.lastWatched.set(s.orgId, Date.now());
    };
  }

  openStreams(): number {
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }

  private registerMetrics(): void {
    const registers = this.metrics ? [this.metrics.registry] : [];
    if (registers.length === 0) return;
    const streams = () => this.openStreams();
    const bytes = () => this.resumeBytes();
    new Gauge({
      name: 'gateway_event_streams_open',
      help: 'Open event streams (GET /api/v1/organization/events)',
      registers,
      collect() {
        this.set(streams());
      },
    });
    new Gauge({
      name: 'gateway_event_stream_resume_bytes',
      help: 'Bytes of events kept for Last-Event-ID resumption, all organizations',
      registers,
      collect() {
        this.set(bytes());
      },
    });
  }

  /** Bytes held by every organization's resume buffer together. */
  resumeBytes(): number {
    return this.keptBytes;
  }
}

const tooMany = (why: string) =>
  new ApiError(429, 'TooManyRequests', `too many event streams: ${why}; close one before opening another`);

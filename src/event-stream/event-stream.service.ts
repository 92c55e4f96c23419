import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { DeviceEvent } from '../events/device-event.js';
import { EventBus } from '../events/event-bus.js';
import { type Revocation, Revocations } from '../events/revocations.js';
import { serviceCredential } from '../tenancy/tenancy.service.js';
import { EventRing, type StreamedEvent } from './event-ring.js';
import { type EventFilter, matches } from './event-filter.js';

/** Events kept per organization for `Last-Event-ID` resumption. */
export const EVENTS_KEPT_PER_ORG = 1000;
/**
 * How long an organization's events are still buffered after its last stream closed: the window a client has
 * to reconnect with `Last-Event-ID`. Organizations nobody watches cost the MQTT path nothing (the bus does not
 * even build events no listener wants).
 */
export const RESUME_WINDOW_MS = 10 * 60_000;

export interface StreamSubscriber {
  orgId: number;
  /** The API token the stream was opened with: its revocation ends the stream. */
  tokenId: number;
  filter: EventFilter;
  send(event: StreamedEvent): void;
  close(): void;
}

export interface Resumption {
  events: StreamedEvent[];
  /** True when the asked-for id is older than what the buffer still holds: some events were missed. */
  gap: boolean;
}

/**
 * Listens to the in-process EventBus, numbers every event, keeps the newest per org in a bounded ring and
 * fans each one out to the open streams of its org (and only its org) whose filter it matches.
 */
@Injectable()
export class EventStreamService implements OnModuleInit, OnModuleDestroy {
  private readonly rings = new Map<number, EventRing>();
  private readonly subscribers = new Map<number, Set<StreamSubscriber>>();
  /** Org → when its last stream closed (absent while one is open, or never watched). */
  private readonly lastWatched = new Map<number, number>();
  private lastId = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly revocations: Revocations,
  ) {}

  onModuleInit(): void {
    // Revoking a token ends live access at once: its open streams too (on every instance, see cluster/).
    this.revocations.onRevoked((r) => this.revoked(r));
    this.unsubscribe = this.bus.subscribe(
      (e) => this.accept(e),
      (orgId) => this.watched(orgId),
    );
  }

  /** Open streams would keep the HTTP server from closing: end them first. */
  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const set of this.subscribers.values()) for (const s of set) s.close();
    this.subscribers.clear();
  }

  private revoked(r: Revocation): void {
    if (r.kind !== 'service') return;
    for (const set of this.subscribers.values())
      for (const s of set) if (serviceCredential(s.tokenId) === r.id) s.close();
  }

  /** An org with an open stream, or one closed within the resume window. */
  private watched(orgId: number): boolean {
    if (this.subscribers.has(orgId)) return true;
    const closed = this.lastWatched.get(orgId);
    if (closed === undefined) return false;
    if (Date.now() - closed < RESUME_WINDOW_MS) return true;
    this.lastWatched.delete(orgId);
    this.rings.delete(orgId);
    return false;
  }

  private accept(event: DeviceEvent): void {
    if (!this.watched(event.orgId)) return; // org events come without the bus's interest check
    const streamed: StreamedEvent = { id: ++this.lastId, ...event };
    let ring = this.rings.get(event.orgId);
    if (!ring) this.rings.set(event.orgId, (ring = new EventRing(EVENTS_KEPT_PER_ORG)));
    ring.push(streamed);
    const set = this.subscribers.get(event.orgId);
    if (!set) return;
    for (const s of set) if (matches(s.filter, streamed)) s.send(streamed);
  }

  /** Kept events of the org after `lastEventId` that match the filter. */
  resume(orgId: number, lastEventId: number, filter: EventFilter): Resumption {
    const ring = this.rings.get(orgId);
    if (!ring) return { events: [], gap: false };
    return { events: ring.since(lastEventId).filter((e) => matches(filter, e)), gap: ring.lostAfter(lastEventId) };
  }

  add(s: StreamSubscriber): () => void {
    let set = this.subscribers.get(s.orgId);
    if (!set) this.subscribers.set(s.orgId, (set = new Set()));
    set.add(s);
    this.lastWatched.delete(s.orgId);
    return () => {
      set.delete(s);
      if (set.size > 0) return;
      this.subscribers.delete(s.orgId);
      this.lastWatched.set(s.orgId, Date.now());
    };
  }

  openStreams(): number {
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }
}

import { ApiError } from '../common/api-error.js';
import type { EventKind } from '../events/gateway-event.js';

/** Every kind the bus carries (src/events/gateway-event.ts), for validating `kind` filters. */
export const EVENT_KINDS: readonly EventKind[] = [
  'device.added',
  'device.deleted',
  'device.first_connection',
  'device.status.online',
  'device.status.offline',
  'device.state.utilizing',
  'device.state.unplugged',
  'datastream.update',
  'log.event',
  'device.info',
  'user.added',
  'user.updated',
  'user.deleted',
  'organization.added',
  'inbound.received',
];

export interface EventFilter {
  /** Exact kinds, and prefixes from `device.status.*`-style entries; both empty ⇒ every kind. */
  kinds: Set<string>;
  kindPrefixes: string[];
  deviceIds: Set<string>;
}

const list = (raw: unknown): string[] =>
  (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);

/** `?kind=a,b.*&deviceId=x,y` (repeatable) → a filter; an unknown kind is a 400 naming it. */
export function parseEventFilter(query: { kind?: unknown; deviceId?: unknown }): EventFilter {
  const filter: EventFilter = { kinds: new Set(), kindPrefixes: [], deviceIds: new Set(list(query.deviceId)) };
  for (const k of list(query.kind)) {
    if (k.endsWith('.*')) {
      const prefix = k.slice(0, -1);
      if (!EVENT_KINDS.some((known) => known.startsWith(prefix))) throw unknownKind(k);
      filter.kindPrefixes.push(prefix);
    } else if (EVENT_KINDS.includes(k as EventKind)) filter.kinds.add(k);
    else throw unknownKind(k);
  }
  return filter;
}

const unknownKind = (k: string) =>
  ApiError.badRequest(
    `kind ${JSON.stringify(k)} is not an event kind; use one of ${EVENT_KINDS.join(', ')} or a prefix like device.status.*`,
  );

export function matches(filter: EventFilter, event: { kind: string; deviceId: string }): boolean {
  if (filter.deviceIds.size > 0 && !filter.deviceIds.has(event.deviceId)) return false;
  if (filter.kinds.size === 0 && filter.kindPrefixes.length === 0) return true;
  return filter.kinds.has(event.kind) || filter.kindPrefixes.some((p) => event.kind.startsWith(p));
}

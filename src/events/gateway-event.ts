/** Canonical event names (docs/architecture.md §4). */
export type EventKind =
  | 'device.added'
  | 'device.deleted'
  | 'device.first_connection'
  | 'device.status.online'
  | 'device.status.offline'
  | 'device.state.utilizing'
  | 'device.state.unplugged'
  | 'datastream.update'
  | 'log.event'
  | 'device.info'
  | 'user.added'
  | 'user.updated'
  | 'user.deleted'
  | 'organization.added'
  | 'inbound.received';

/**
 * What the event bus carries and the trigger engine matches against, of two sorts: a device event, one thing
 * that happened to one device (EventBus.deviceEvent, `seq` its order); or an organization event (EventBus.orgEvent:
 * `user.*` and `organization.added` with deviceId '' and the user or organization in `value`, `inbound.received`).
 */
export interface GatewayEvent {
  orgId: number;
  deviceId: string;
  kind: EventKind;
  /** Datastream name for `datastream.update`, event code for `log.event`, else ''. */
  key: string;
  value: unknown;
  ts: number;
  /** Per-device monotonic sequence: orders events of one device (0 for an organization event). */
  seq: number;
}

/**
 * What must be durable before the device's message that caused an event is acknowledged (PUBACK): the commit a
 * listener caused (the outbox's), or undefined when it caused none. A listener states it by its return type, so
 * one that starts asynchronous work must return it (an `async` listener does): the acknowledgement waits on it.
 */
export type Durable = Promise<void> | undefined;

/** Both commits; no allocation when one is missing or both are the same (one outbox commit per loop turn). */
export function together(a: Durable, b: Durable): Durable {
  if (a === undefined || a === b) return b;
  if (b === undefined) return a;
  return Promise.all([a, b]).then(() => undefined);
}

export type GatewayEventListener = (event: GatewayEvent) => Durable;

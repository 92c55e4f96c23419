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
 * One thing that happened to one device — or, for `user.*` and `organization.added`, to the org (deviceId '',
 * the user or organization in `value`); what the trigger engine matches against.
 */
export interface DeviceEvent {
  orgId: number;
  deviceId: string;
  kind: EventKind;
  /** Datastream name for `datastream.update`, event code for `log.event`, else ''. */
  key: string;
  value: unknown;
  ts: number;
  /** Per-device monotonic sequence: orders events of one device. */
  seq: number;
}

export type DeviceEventListener = (event: DeviceEvent) => void;

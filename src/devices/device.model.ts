// The device vocabulary (docs/architecture.md §3): every list of types and statuses, and the id alphabet, lives here.
import type { EventKind } from '../events/gateway-event.js';

export const DEVICE_TYPES = ['PRIVATE', 'LOCAL', 'PUBLIC'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export const DEVICE_STATUSES = ['online', 'offline', 'utilizing', 'unplugged'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** The event a transition into each status raises (Kobiton's four device-status webhooks). */
export const STATUS_EVENT_KIND: Record<DeviceStatus, EventKind> = {
  online: 'device.status.online',
  offline: 'device.status.offline',
  utilizing: 'device.state.utilizing',
  unplugged: 'device.state.unplugged',
};

/** Ids of devices, agents, templates and groups: one MQTT topic level, safe in URLs. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
export const DEVICE_ID_RULE = '[A-Za-z0-9._:-]{1,64}';

export interface DatastreamValue {
  value: unknown;
  ts: number;
}

/** Registry record: identity, configuration and the last known runtime state of one device. */
export interface Device {
  id: string;
  orgId: number;
  name: string;
  type: DeviceType;
  templateId: string | null;
  groupIds: string[];
  agentId: string | null;
  metadata: Record<string, unknown>;
  tokenHash: string;
  status: DeviceStatus;
  /** Sequence number of the device's last event (events/event-bus.ts gives out the next one). */
  seq: number;
  lastSeen: number | null;
  firstConnectedAt: number | null;
  values: Record<string, DatastreamValue>;
  lastEvent: { code: string; description: string; ts: number } | null;
  createdAt: number;
  /** When REST last changed its configuration. */
  updatedAt: number;
  /**
   * When the device last reported its own name, type, template or metadata (`info`, a status message's name):
   * where configuration and run-time state are stored apart (MongoDB), the newer of this and `updatedAt` wins.
   */
  reportedAt?: number;
}

/**
 * A device as the registry hands it out: only DeviceRegistry changes one, through its named operations (one
 * writer per record), so everyone else reads it. Its value map is replaced, never changed in place, which keeps
 * the outbox's snapshots (delivery/render/snapshot.ts) free of later values.
 */
export type DeviceRecord = Readonly<Omit<Device, 'values' | 'metadata' | 'lastEvent'>> & {
  readonly values: Readonly<Record<string, Readonly<DatastreamValue>>>;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly lastEvent: Readonly<NonNullable<Device['lastEvent']>> | null;
};

/** What a device reports about itself (`devices/{id}/info`), as applied to its record. */
export interface DeviceInfo {
  name?: string;
  type?: DeviceType;
  templateId?: string;
  metadata: Record<string, unknown>;
}

/** What REST changes of a device (PATCH, a new token): its configuration, written through. */
export type DeviceSettings = Partial<
  Pick<Device, 'name' | 'type' | 'templateId' | 'groupIds' | 'agentId' | 'metadata' | 'tokenHash'>
>;

/**
 * Datastream names and log-event codes: 1 to 64 of [A-Za-z0-9_.-] and spaces, not starting or ending with a
 * space (Blynk's names hold spaces: "Device On"; docs/mqtt.md "Moving Blynk devices").
 */
export const DATASTREAM_NAME_PATTERN = /^[A-Za-z0-9_.-](?:[A-Za-z0-9_. -]{0,62}[A-Za-z0-9_.-])?$/;
export const DATASTREAM_NAME_RULE = '1 to 64 of [A-Za-z0-9_.-] and inner spaces';

/** A device as it is registered: offline, never seen, no values; `init` sets identity and configuration. */
export function newDevice(
  init: Pick<Device, 'id' | 'orgId' | 'name' | 'tokenHash'> & Partial<Device>,
  now = Date.now(),
): Device {
  return {
    type: 'PRIVATE',
    templateId: null,
    groupIds: [],
    agentId: null,
    metadata: {},
    status: 'offline',
    seq: 0,
    lastSeen: null,
    firstConnectedAt: null,
    values: {},
    lastEvent: null,
    createdAt: now,
    updatedAt: now,
    ...init,
  };
}

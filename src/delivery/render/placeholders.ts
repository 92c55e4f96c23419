import type { GatewayEvent } from '../../events/gateway-event.js';
import type { User } from '../../tenancy/user.model.js';
import type { Webhook } from '../../webhooks/webhook.model.js';
import type { DeviceSnapshot } from '../delivery.model.js';
import type { Resolve } from './template.js';

/**
 * What a rendered callback may speak of: the event, its device as matched (if any), the names looked up at
 * match time (render/snapshot.ts) and the webhook.
 */
export interface EventContext {
  event: GatewayEvent;
  device: DeviceSnapshot | undefined;
  webhook: Webhook;
  /** The event's organization's name. */
  orgName?: string;
}

/** A key of the record itself: `metadata_constructor` is no placeholder for Object's constructor. */
const own = <T>(record: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/** Bold's topic for each event kind a Bold subscription receives (seed 002). */
function boldTopic(e: GatewayEvent): string | undefined {
  if (e.kind.startsWith('device.status.') || e.kind.startsWith('device.state.')) return 'DeviceStatusEvents';
  if (e.kind !== 'log.event') return undefined;
  return {
    activation: 'DeviceActivationEvents',
    deactivation: 'DeviceDeactivationEvents',
    tamper: 'DeviceTamperEvents',
  }[e.key];
}

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : undefined);

/** Kobiton's eventDescription: "Online", "Utilizing", "temp updated", ... */
export function describe(e: GatewayEvent): string {
  switch (e.kind) {
    case 'device.status.online':
      return 'Online';
    case 'device.status.offline':
      return 'Offline';
    case 'device.state.utilizing':
      return 'Utilizing';
    case 'device.state.unplugged':
      return 'Unplugged';
    case 'device.added':
      return 'Device added';
    case 'device.deleted':
      return 'Device deleted';
    case 'device.first_connection':
      return 'First connection';
    case 'datastream.update':
      return `${e.key} updated`;
    case 'log.event':
      return typeof e.value === 'string' && e.value ? e.value : e.key;
    default:
      return e.kind;
  }
}

/** pinValue[X]: X-th element of a multi-value pin (Blynk separates values with NUL; arrays count too). */
function element(v: unknown, i: number): unknown {
  if (Array.isArray(v)) return v[i];
  if (typeof v === 'string') return v.split('\u0000')[i];
  return i === 0 ? v : undefined;
}

/**
 * Blynk's placeholder families (device, datastream/pin, metadata, time, user) plus our event and webhook
 * ones. `device_authToken` is never available: tokens are stored hashed, and a callback is no place for one.
 */
export function placeholders(ctx: EventContext): Resolve {
  const { event: e, device: d, webhook: w, orgName } = ctx;
  const user = e.kind.startsWith('user.') ? (e.value as User) : undefined;
  const pinValue = e.kind === 'datastream.update' ? e.value : undefined;
  return (name) => {
    if (name.startsWith('device_')) {
      if (!d && !e.deviceId) return undefined;
      const field = name.slice(7);
      if (field.startsWith('dataStream_')) return d && own(d.values, field.slice(11))?.value;
      if (field.startsWith('metadata_')) return d && own(d.metadata, field.slice(9));
      const multi = /^pinValue\[(\d+)\]$/.exec(field);
      if (multi) return element(pinValue ?? (e.key && d ? own(d.values, e.key)?.value : undefined), Number(multi[1]));
      switch (field) {
        case 'id':
          return e.deviceId;
        case 'name':
          return d?.name;
        case 'templateId':
          return d?.templateId ?? '';
        case 'productName':
          return d?.templateId ? (d.productName ?? '') : '';
        case 'orgName':
          return orgName;
        case 'dataStreamId':
        case 'pin':
          return e.kind === 'datastream.update' ? e.key : undefined;
        case 'pinValue':
          return pinValue;
        case 'dateCreated':
          return d?.createdAt;
        case 'state':
          return d?.status;
        case 'type':
          return d?.type;
        case 'tags':
          return d?.groupIds.join(',');
        default:
          return undefined;
      }
    }
    if (name.startsWith('user_')) {
      if (!user) return undefined;
      switch (name.slice(5)) {
        case 'id':
          return user.id;
        case 'email':
          return user.email;
        case 'name':
          return user.name;
        case 'dateCreated':
          return user.createdAt;
        case 'object':
          return user;
        case 'orgName':
          return orgName; // user events are raised in the user's organization
        default:
          return undefined;
      }
    }
    switch (name) {
      case 'timestamp_unix':
        return Math.floor(e.ts / 1000);
      case 'timestamp_iso8601':
        return iso(e.ts);
      case 'event_activity':
        return e.kind;
      case 'event_code':
        return e.kind === 'log.event' ? e.key : undefined;
      case 'event_description':
        return describe(e);
      case 'org_id':
        return e.orgId; // the event's (the device's) organization: a GLOBAL_PRODUCT_* webhook's may be a parent
      case 'webhook_id':
        return w.id;
      case 'webhook_name':
        return w.name;
      default:
        return undefined;
    }
  };
}

/** Kobiton's callback payload (seed 001), extended with the event's own data. */
export function defaultPayload(ctx: EventContext): Record<string, unknown> {
  const { event: e, device: d, webhook: w } = ctx;
  const eventType = e.kind.startsWith('user.') ? 'USER' : e.kind === 'organization.added' ? 'ORGANIZATION' : 'DEVICE';
  return {
    creationTime: new Date(e.ts).toISOString(),
    eventType,
    eventActivity: e.kind,
    eventDescription: describe(e),
    deviceUdid: e.deviceId || null,
    deviceName: d?.name ?? null,
    orgId: e.orgId, // the device's organization (a GLOBAL_PRODUCT_* webhook may belong to a parent)
    webhookId: w.id,
    webhookName: w.name,
    ...(w.origin === 'bold' ? { topic: boldTopic(e) ?? null } : {}),
    data: { key: e.key || null, value: e.value ?? null, ts: e.ts, seq: e.seq, templateId: d?.templateId ?? null },
  };
}

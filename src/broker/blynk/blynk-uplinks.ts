import type { Client } from 'aedes';
import { type DeviceLimits, metadataExcess, valuesExcess } from '../../devices/device-limits.js';
import type { DeviceRegistry } from '../../devices/device-registry.js';
import type { DeviceRecord } from '../../devices/device.model.js';
import { downlinkTopic } from '../../devices/device-topics.js';
import { type Durable, together } from '../../events/gateway-event.js';
import { isValidName } from '../../ingest/payload.js';
import { type BlynkDropReason, blynkValue, parseTimestampedBatch, requestedNames, utcReply } from './blynk-payload.js';
import type { BlynkKind, BlynkUplink } from './blynk-topics.js';

/** One Blynk uplink as its handler gets it. */
export interface BlynkMessage {
  client: Client;
  device: DeviceRecord;
  up: BlynkUplink;
  payload: Buffer;
  ts: number;
}

/** What a handler did: what must be durable before the PUBACK, or why the message was dropped. */
export type Handled = { durable: Durable } | { dropped: BlynkDropReason };
type Handler = (m: BlynkMessage) => Handled;

/** Metadata key holding Blynk's widget properties (`ds/{name}/prop/{property}`): `{name: {property: value}}`. */
export const PROPS_KEY = 'datastreamProps';
/** Metadata key whose IANA zone `get/utc/all/json` answers in (UTC without it). */
export const TIMEZONE_KEY = 'timezone';
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const DONE: Handled = { durable: undefined };
const dropped = (reason: BlynkDropReason): Handled => ({ dropped: reason });
const noop = () => undefined;

/**
 * Blynk's uplinks with no counterpart in our topic scheme, as registry operations (the device's one writer)
 * and replies on the client's own `downlink/…` (through the broker's forwarding, which maps the topic and
 * makes values plain text). The uplinks that have a counterpart (ds, batch_ds, event, info/mcu) are not here:
 * they are rewritten to our topics and go through ingest as ours do (blynk-session.ts).
 */
export class BlynkUplinks {
  readonly handlers: Readonly<Partial<Record<BlynkKind, Handler>>>;

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly limits: DeviceLimits,
  ) {
    this.handlers = {
      timestamped_batch: (m) => this.timestampedBatch(m),
      erase: (m) => this.erase(m),
      prop: (m) => this.property(m),
      meta: (m) => this.meta(m),
      get_ds: (m) => this.sendValues(m, requestedNames(m.payload)),
      get_ds_all: (m) => this.sendValues(m, Object.keys(m.device.values)),
      get_meta: (m) => this.sendMeta(m),
      get_utc: (m) => this.sendUtc(m),
    };
  }

  /** Every point through recordValue (history sees each); the newest ends as the current value. */
  private timestampedBatch({ device, up, payload, ts }: BlynkMessage): Handled {
    if (!isValidName(up.name)) return dropped('bad_name');
    const points = parseTimestampedBatch(payload, ts);
    if (!points.ok) return dropped(points.reason);
    const newest = points.value[points.value.length - 1][1];
    const excess = valuesExcess(device, { [up.name]: newest }, payload.length, this.limits);
    if (excess) return dropped(excess);
    let durable: Durable;
    for (const [at, value] of points.value)
      durable = together(durable, this.registry.recordValue(device, up.name, value, at));
    return { durable };
  }

  private erase({ device, up }: BlynkMessage): Handled {
    if (!isValidName(up.name)) return dropped('bad_name');
    this.registry.eraseValue(device, up.name);
    return DONE;
  }

  /** A widget property, kept in the device's metadata under PROPS_KEY. */
  private property({ device, up, payload, ts }: BlynkMessage): Handled {
    if (!isValidName(up.name)) return dropped('bad_name');
    if (FORBIDDEN_KEYS.has(up.property)) return dropped('forbidden_key');
    const value = blynkValue(payload);
    if (!value.ok) return dropped(value.reason);
    const props = (device.metadata[PROPS_KEY] ?? {}) as Record<string, Record<string, unknown>>;
    const merged = { ...props, [up.name]: { ...props[up.name], [up.property]: value.value } };
    return this.mergeMetadata(device, { [PROPS_KEY]: merged }, ts);
  }

  /** `meta/{Field}`: the device's metadata field, as REST and our `info` keep it. */
  private meta({ device, up, payload, ts }: BlynkMessage): Handled {
    if (FORBIDDEN_KEYS.has(up.name)) return dropped('forbidden_key');
    const value = blynkValue(payload);
    if (!value.ok) return dropped(value.reason);
    return this.mergeMetadata(device, { [up.name]: value.value }, ts);
  }

  private mergeMetadata(device: DeviceRecord, changes: Record<string, unknown>, ts: number): Handled {
    const metadata = { ...device.metadata, ...changes };
    const excess = metadataExcess(metadata, this.limits);
    if (excess) return dropped(excess);
    return { durable: this.registry.applyInfo(device, { metadata }, changes, ts) };
  }

  /** `get/ds`, `get/ds/all`: each known value on `downlink/ds/{name}`; an unknown name gets no answer (as Blynk). */
  private sendValues({ client, device }: BlynkMessage, names: string[]): Handled {
    for (const name of names) {
      const v = device.values[name];
      if (v) reply(client, device.id, `ds/${name}`, JSON.stringify(v.value));
    }
    return DONE;
  }

  private sendMeta({ client, device }: BlynkMessage): Handled {
    for (const [field, value] of Object.entries(device.metadata))
      if (field !== PROPS_KEY && !field.includes('/')) reply(client, device.id, `meta/${field}`, JSON.stringify(value));
    return DONE;
  }

  private sendUtc({ client, device, ts }: BlynkMessage): Handled {
    reply(client, device.id, 'utc/all/json', JSON.stringify(utcReply(ts, device.metadata[TIMEZONE_KEY])));
    return DONE;
  }
}

/**
 * To this client only, subscribed or not (Blynk answers `get/*` so): Aedes' `client.publish` writes to that one
 * client, through authorizeForward, which maps `devices/{id}/downlink/…` to Blynk's `downlink/…`.
 */
function reply(client: Client, deviceId: string, path: string, payload: string): void {
  const packet = { cmd: 'publish', topic: downlinkTopic(deviceId, path), payload: Buffer.from(payload), qos: 0 };
  client.publish({ ...packet, retain: false, dup: false } as never, noop);
}

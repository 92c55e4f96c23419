// Blynk's device MQTT API (blynk.cloud "Device MQTT API") mapped onto the device's own namespace
// `devices/{id}/...` (docs/mqtt.md "Moving Blynk devices"). Pure: no state, no I/O.
import { deviceTopicRoot } from '../../devices/device-topics.js';

/** The user name Blynk firmware logs in with; the password (its token) names the device. */
export const BLYNK_USERNAME = 'device';
/** Blynk's largest message: a bigger payload is dropped (counted as `blynk_message_too_large`). */
export const BLYNK_MAX_MESSAGE_BYTES = 1024;
/** Where a Blynk uplink with no topic of ours goes once handled: a `$` topic, which no client may subscribe to. */
export const BLYNK_SINK = '$GW/blynk';
/** Server → device topics Blynk sends without a subscription: each Blynk session is subscribed to them. */
export const BLYNK_UNSOLICITED = [
  'downlink/ping',
  'downlink/reboot',
  'downlink/redirect',
  'downlink/diag',
  'downlink/ota/json',
];

export type BlynkKind =
  | 'ds'
  | 'timestamped_batch'
  | 'erase'
  | 'prop'
  | 'batch_ds'
  | 'event'
  | 'info'
  | 'meta'
  | 'get_ds'
  | 'get_ds_all'
  | 'get_meta'
  | 'get_utc';

/** One uplink topic, read: its kind, the datastream name (or event code, meta field) and a property. */
export interface BlynkUplink {
  kind: BlynkKind;
  name: string;
  property: string;
}

const FIXED: Readonly<Record<string, BlynkKind | undefined>> = {
  batch_ds: 'batch_ds',
  'info/mcu': 'info',
  'get/ds': 'get_ds',
  'get/ds/all': 'get_ds_all',
  'get/meta': 'get_meta',
  'get/utc/all/json': 'get_utc',
};
const DS_SUFFIX: Readonly<Record<string, BlynkKind | undefined>> = {
  timestamped_batch: 'timestamped_batch',
  erase: 'erase',
};

const uplink = (kind: BlynkKind, name = '', property = ''): BlynkUplink => ({ kind, name, property });

/** A Blynk uplink topic, or null when it is none of the API's (dropped as `blynk_unknown_topic`). */
export function parseBlynkTopic(topic: string): BlynkUplink | null {
  const fixed = FIXED[topic];
  if (fixed) return uplink(fixed);
  if (topic.startsWith('ds/')) return dsTopic(topic.slice(3));
  if (topic.startsWith('event/')) return oneLevel('event', topic.slice(6));
  if (topic.startsWith('meta/')) return oneLevel('meta', topic.slice(5));
  return null;
}

function oneLevel(kind: BlynkKind, name: string): BlynkUplink | null {
  return name.length > 0 && !name.includes('/') ? uplink(kind, name) : null;
}

/** `ds/{name}`, `ds/{name}/timestamped_batch`, `ds/{name}/erase`, `ds/{name}/prop/{property}`. */
function dsTopic(rest: string): BlynkUplink | null {
  const slash = rest.indexOf('/');
  if (slash < 0) return oneLevel('ds', rest);
  if (slash === 0) return null;
  const name = rest.slice(0, slash);
  const tail = rest.slice(slash + 1);
  const kind = DS_SUFFIX[tail];
  if (kind) return uplink(kind, name);
  if (!tail.startsWith('prop/')) return null;
  const property = tail.slice(5);
  return property.length > 0 && !property.includes('/') ? uplink('prop', name, property) : null;
}

/**
 * A Blynk client's SUBSCRIBE filter in the device's own namespace: only filters under `downlink` (Blynk's
 * `downlink/#`, `downlink/ds/#`, `downlink/ds/Power`); anything else (`#`, `+/…`, another device's topics) is
 * null and refused. The mapped filter stays under `devices/{id}/downlink`, whatever its levels spell.
 */
export function blynkFilter(filter: string, deviceId: string): string | null {
  if (filter !== 'downlink' && !filter.startsWith('downlink/')) return null;
  return deviceTopicRoot(deviceId) + filter;
}

/**
 * A Blynk client's UNSUBSCRIBE filter as its SUBSCRIBE was mapped (`downlink/#` → `devices/{id}/downlink/#`), so
 * it removes that subscription. What Blynk sends unasked (BLYNK_UNSOLICITED) stays subscribed, and a filter
 * SUBSCRIBE would refuse removes nothing: both become BLYNK_SINK, which no client's subscription is named.
 */
export function blynkUnsubscription(filter: string, deviceId: string): string {
  if (BLYNK_UNSOLICITED.includes(filter)) return BLYNK_SINK;
  return blynkFilter(filter, deviceId) ?? BLYNK_SINK;
}

/** Our topic `devices/{id}/downlink/…` as the Blynk client sees it (`downlink/…`); null for anything else. */
export function blynkDownlinkTopic(topic: string, deviceId: string): string | null {
  const root = deviceTopicRoot(deviceId);
  if (!topic.startsWith(root) || !topic.startsWith('downlink', root.length)) return null;
  const rest = topic.slice(root.length);
  return rest === 'downlink' || rest.startsWith('downlink/') ? rest : null;
}

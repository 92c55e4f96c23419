// Topic grammar of the MQTT contract (docs/architecture.md §3): devices/{id}/{kind}[/{key}], and orgs/{orgId}/... .

export type DeviceTopicKind = 'status' | 'ds' | 'batch' | 'event' | 'info' | 'downlink' | 'reply' | 'other';

export interface DeviceTopic {
  deviceId: string;
  kind: DeviceTopicKind;
  key: string;
}

const PREFIX = 'devices/';

/**
 * Levels of a downlink path or an org topic: no wildcards, what a device id holds and inner spaces (a Blynk
 * datastream's name, `ds/Device On`, docs/mqtt.md "Moving Blynk devices").
 */
export const TOPIC_PATH_PATTERN =
  /^[A-Za-z0-9._:-]+(?: +[A-Za-z0-9._:-]+)*(?:\/[A-Za-z0-9._:-]+(?: +[A-Za-z0-9._:-]+)*)*$/;
export const TOPIC_PATH_RULE = 'topic levels of [A-Za-z0-9._:-] and inner spaces, without wildcards';

/** The topics the gateway writes: commands to a device, replies it awaits, and an org's own space. */
/** Everything a device's topics hold: `devices/{id}/`. */
export const deviceTopicRoot = (deviceId: string): string => `${PREFIX}${deviceId}/`;
export const downlinkTopic = (deviceId: string, path: string): string => `${PREFIX}${deviceId}/downlink/${path}`;
export const downlinkFilter = (deviceId: string): string => `${PREFIX}${deviceId}/downlink/#`;
export const orgTopic = (orgId: number, topic: string): string => `orgs/${orgId}/${topic}`;
export const REPLY_FILTER = `${PREFIX}+/reply/+`;
const KINDS = new Set(['status', 'ds', 'batch', 'event', 'info', 'downlink', 'reply']);

/** Device id of a `devices/{id}/...` topic, or null. No allocation beyond the returned slice. */
export function deviceIdOf(topic: string): string | null {
  if (!topic.startsWith(PREFIX)) return null;
  const end = topic.indexOf('/', PREFIX.length);
  return end > PREFIX.length ? topic.slice(PREFIX.length, end) : null;
}

export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const deviceId = deviceIdOf(topic);
  if (deviceId === null) return null;
  const rest = topic.slice(PREFIX.length + deviceId.length + 1);
  const slash = rest.indexOf('/');
  const head = slash < 0 ? rest : rest.slice(0, slash);
  const kind = (KINDS.has(head) ? head : 'other') as DeviceTopicKind;
  return { deviceId, kind, key: slash < 0 ? '' : rest.slice(slash + 1) };
}

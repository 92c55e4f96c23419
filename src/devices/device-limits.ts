// Bounds on what one device stores (issue 19.2): its record is held in memory, written whole, returned whole by
// GET /devices/{id}, so each part a device (or its agent) can grow has a limit. Pure: ingest (MQTT) and the
// devices service (REST) apply the same rules and name them their own way (a drop reason, a 400).
import type { GatewayConfig } from '../config/gateway-config.js';
import type { DeviceRecord } from './device.model.js';

export interface DeviceLimits {
  maxDatastreams: number;
  maxValueBytes: number;
  maxMetadataKeys: number;
  maxMetadataBytes: number;
}

export const deviceLimits = (c: GatewayConfig): DeviceLimits => ({
  maxDatastreams: c.DEVICE_MAX_DATASTREAMS,
  maxValueBytes: c.DEVICE_MAX_VALUE_BYTES,
  maxMetadataKeys: c.DEVICE_MAX_METADATA_KEYS,
  maxMetadataBytes: c.DEVICE_MAX_METADATA_BYTES,
});

export type LimitBroken = 'value_too_large' | 'too_many_datastreams' | 'too_many_metadata_keys' | 'metadata_too_large';

/** What each broken bound is called where an operator sets it, for REST errors and docs/configuration.md. */
export const LIMIT_SETTING: Record<LimitBroken, keyof GatewayConfig> = {
  value_too_large: 'DEVICE_MAX_VALUE_BYTES',
  too_many_datastreams: 'DEVICE_MAX_DATASTREAMS',
  too_many_metadata_keys: 'DEVICE_MAX_METADATA_KEYS',
  metadata_too_large: 'DEVICE_MAX_METADATA_BYTES',
};

/** A value's size as stored (JSON, UTF-8): strings and scalars without serializing them. */
export function valueBytes(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v) + 2;
  if (v === null || typeof v !== 'object') return String(v).length;
  return Buffer.byteLength(JSON.stringify(v));
}

/**
 * Whether writing `values` (name → value) to `device` breaks a bound. `payloadBytes` is the size of the message
 * that carried them: when it is within the value bound, every value in it is too (no value is measured).
 */
export function valuesExcess(
  device: DeviceRecord,
  values: Record<string, unknown>,
  payloadBytes: number,
  limits: DeviceLimits,
): LimitBroken | null {
  let added = 0;
  for (const key in values) {
    if (payloadBytes > limits.maxValueBytes && valueBytes(values[key]) > limits.maxValueBytes) return 'value_too_large';
    if (!Object.hasOwn(device.values, key)) added++;
  }
  // Counted only when a name is new: a device updating the datastreams it has costs no key count.
  if (added > 0 && Object.keys(device.values).length + added > limits.maxDatastreams) return 'too_many_datastreams';
  return null;
}

/** Whether `metadata` (after a merge or a replacement) breaks a bound. */
export function metadataExcess(metadata: Record<string, unknown>, limits: DeviceLimits): LimitBroken | null {
  if (Object.keys(metadata).length > limits.maxMetadataKeys) return 'too_many_metadata_keys';
  if (Buffer.byteLength(JSON.stringify(metadata)) > limits.maxMetadataBytes) return 'metadata_too_large';
  return null;
}

/** The 400 message of a REST write past a bound: the bound, its value and the setting that raises it. */
export function limitMessage(broken: LimitBroken, limits: DeviceLimits): string {
  switch (broken) {
    case 'too_many_metadata_keys':
      return `metadata: at most ${limits.maxMetadataKeys} keys per device (${LIMIT_SETTING[broken]})`;
    case 'metadata_too_large':
      return `metadata: at most ${limits.maxMetadataBytes} bytes of JSON per device (${LIMIT_SETTING[broken]})`;
    case 'value_too_large':
      return `value: at most ${limits.maxValueBytes} bytes (${LIMIT_SETTING[broken]})`;
    case 'too_many_datastreams':
      return `at most ${limits.maxDatastreams} datastreams per device (${LIMIT_SETTING[broken]})`;
  }
}

import {
  DATASTREAM_NAME_PATTERN,
  DEVICE_ID_PATTERN,
  DEVICE_STATUSES,
  DEVICE_TYPES,
  type DeviceInfo,
  type DeviceStatus,
  type DeviceType,
} from '../devices/device.model.js';

// Payload rules of the MQTT contract. Each parser returns the value or the reason it was dropped.

export type DropReason =
  | 'invalid_json'
  | 'non_finite'
  | 'forbidden_key'
  | 'too_deep'
  | 'unknown_status'
  | 'wrong_type'
  | 'bad_name'
  | 'empty_payload'
  | 'invalid_utf8'
  | 'unknown_device'
  | 'handler_error'
  // A device's bounds (devices/device-limits.ts)
  | 'value_too_large'
  | 'too_many_datastreams'
  | 'too_many_metadata_keys'
  | 'metadata_too_large';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: DropReason };

export const MAX_JSON_DEPTH = 8;
const NAME = DATASTREAM_NAME_PATTERN;
const STATUSES = new Set<string>(DEVICE_STATUSES);
const TYPES = new Set<string>(DEVICE_TYPES);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const fail = (reason: DropReason): { ok: false; reason: DropReason } => ({ ok: false, reason });

export const isValidName = (name: string): boolean => NAME.test(name);

/** Checks a parsed JSON value: finite numbers, no prototype-polluting keys, bounded nesting. */
export function checkJson(value: unknown, depth = 0): DropReason | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'non_finite';
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_JSON_DEPTH) return 'too_deep';
  if (Array.isArray(value)) {
    for (const v of value) {
      const r = checkJson(v, depth + 1);
      if (r) return r;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return 'forbidden_key';
    const r = checkJson((value as Record<string, unknown>)[key], depth + 1);
    if (r) return r;
  }
  return null;
}

function parseJson(text: string): Parsed<unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('invalid_json');
  }
  const bad = checkJson(value);
  return bad ? fail(bad) : { ok: true, value };
}

function text(payload: Buffer): Parsed<string> {
  const s = payload.toString('utf8');
  // A replacement character that the bytes did not spell out means the bytes were not UTF-8.
  if (s.includes('\uFFFD') && !payload.includes(Buffer.from('\uFFFD'))) return fail('invalid_utf8');
  return { ok: true, value: s };
}

/** A datastream value: JSON (number, string, boolean, object, array) or, failing that, plain text. */
export function parseValue(payload: Buffer): Parsed<unknown> {
  if (payload.length === 0) return fail('empty_payload');
  const t = text(payload);
  if (!t.ok) return t;
  const s = t.value.trim();
  if (s === 'NaN' || s === 'Infinity' || s === '-Infinity') return fail('non_finite');
  const first = s.charCodeAt(0);
  const looksJson =
    first === 123 ||
    first === 91 ||
    first === 34 ||
    first === 45 ||
    (first >= 48 && first <= 57) ||
    s === 'true' ||
    s === 'false' ||
    s === 'null';
  if (!looksJson) return { ok: true, value: t.value };
  const parsed = parseJson(s);
  // "12abc" starts like a number but is text; "{..." that does not parse is broken JSON.
  if (!parsed.ok && parsed.reason === 'invalid_json' && first !== 123 && first !== 91 && first !== 34)
    return { ok: true, value: t.value };
  return parsed;
}

export function parseStatus(payload: Buffer): Parsed<{ status: DeviceStatus; name?: string }> {
  const t = text(payload);
  if (!t.ok) return t;
  const s = t.value.trim();
  if (STATUSES.has(s)) return { ok: true, value: { status: s as DeviceStatus } };
  if (!s.startsWith('{')) return fail('unknown_status');
  const parsed = parseJson(s);
  if (!parsed.ok) return parsed;
  const v = parsed.value as { status?: unknown; name?: unknown };
  if (typeof v.status !== 'string' || !STATUSES.has(v.status)) return fail('unknown_status');
  if (v.name !== undefined && (typeof v.name !== 'string' || v.name.length === 0 || v.name.length > 100))
    return fail('wrong_type');
  return { ok: true, value: { status: v.status as DeviceStatus, name: v.name as string | undefined } };
}

export function parseBatch(payload: Buffer): Parsed<Record<string, unknown>> {
  const t = text(payload);
  if (!t.ok) return t;
  const parsed = parseJson(t.value);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail('wrong_type');
  for (const key of Object.keys(v)) if (!NAME.test(key)) return fail('bad_name');
  return { ok: true, value: v as Record<string, unknown> };
}

export function parseEventDescription(payload: Buffer): Parsed<string> {
  const t = text(payload);
  if (!t.ok) return t;
  return t.value.length > 1024 ? fail('wrong_type') : t;
}

export function parseInfo(payload: Buffer): Parsed<DeviceInfo> {
  const t = text(payload);
  if (!t.ok) return t;
  const parsed = parseJson(t.value);
  if (!parsed.ok) return parsed;
  const v = parsed.value as Record<string, unknown>;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail('wrong_type');
  const { name, type, templateId, ...metadata } = v;
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > 100))
    return fail('wrong_type');
  if (type !== undefined && (typeof type !== 'string' || !TYPES.has(type))) return fail('wrong_type');
  if (templateId !== undefined && (typeof templateId !== 'string' || !DEVICE_ID_PATTERN.test(templateId)))
    return fail('wrong_type');
  return {
    ok: true,
    value: {
      name: name as string | undefined,
      type: type as DeviceType | undefined,
      templateId: templateId as string | undefined,
      metadata,
    },
  };
}

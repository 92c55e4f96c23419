// Payloads of Blynk's device MQTT API, to and from the gateway's values. Pure: time is passed in.
import { checkJson, type DropReason, parseValue } from '../../ingest/payload.js';

const NUL = 0;
/** Blynk accepts timestamped points up to a month old and a month ahead. */
const MONTH_MS = 31 * 24 * 3600 * 1000;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Why a Blynk message is dropped: the reasons of our own payloads, and Blynk's own. */
export type BlynkDropReason = DropReason | 'bad_timestamp' | 'blynk_message_too_large' | 'blynk_unknown_topic';
export type BlynkParsed<T> = { ok: true; value: T } | { ok: false; reason: BlynkDropReason };
const fail = (reason: BlynkDropReason): { ok: false; reason: BlynkDropReason } => ({ ok: false, reason });

/** A plain-text item of a Blynk value: a number when it spells one, else the text. */
const item = (s: string): number | string => (NUMBER.test(s) ? Number(s) : s);

/** Whether a `ds` payload is Blynk's multi-value (array-like) form: items separated by NUL bytes. */
export const isMultiValue = (payload: Buffer): boolean => payload.includes(NUL);

/** `First\0Second\03` → `["First","Second",3]`: one value of one datastream (Blynk's multi-value write). */
export function multiValue(payload: Buffer): unknown[] {
  return payload.toString('utf8').split('\0').map(item);
}

/** A value as Blynk firmware reads it: plain text, an array's items separated by NUL. */
export function plainText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(plainText).join('\0');
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value as number | boolean);
}

/**
 * A downlink value written by REST or an inbound webhook (JSON: `"on"`, `1`, `[1,2]`) as Blynk firmware
 * expects it on `downlink/ds/…` (`on`, `1`, `1\02`); an inbound webhook's message (Losant's envelope, see
 * inbound-call.service.ts) gives its `body`; a payload that is no JSON goes as it is.
 */
export function downlinkPlain(payload: Buffer): Buffer {
  if (payload.length === 0) return payload;
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return payload;
  }
  return Buffer.from(plainText(isInboundMessage(value) ? value.body : value));
}

const INBOUND_KEYS = ['time', 'path', 'method', 'headers', 'query', 'body'];

/** The message an inbound webhook call sends a device: `{time, path, method, headers, query, body}`. */
function isInboundMessage(v: unknown): v is { body: unknown } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === INBOUND_KEYS.length && INBOUND_KEYS.every((k) => Object.hasOwn(v, k));
}

/**
 * `info/mcu` (`{tmpl, ver, build, type, rxbuff, …}`) as our `info`: `tmpl` is the template id, the rest is kept
 * under the metadata key `mcu` (Blynk's `type` is the board, not our device type, so it is not mapped to it).
 */
export function mcuInfo(payload: Buffer): BlynkParsed<Buffer> {
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    return fail('invalid_json');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail('wrong_type');
  const { tmpl, ...mcu } = v as Record<string, unknown>;
  const info = tmpl === undefined ? { mcu } : { templateId: tmpl, mcu };
  return { ok: true, value: Buffer.from(JSON.stringify(info)) };
}

/** `[[ts_ms, value], …]`: every point within a month of `now`, sorted oldest first; all or nothing. */
export function parseTimestampedBatch(payload: Buffer, now: number): BlynkParsed<[number, unknown][]> {
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    return fail('invalid_json');
  }
  if (!Array.isArray(v) || v.length === 0) return fail('wrong_type');
  const bad = checkJson(v);
  if (bad) return fail(bad);
  for (const point of v) {
    if (!Array.isArray(point) || point.length !== 2) return fail('wrong_type');
    const ts: unknown = point[0];
    if (typeof ts !== 'number' || !Number.isInteger(ts) || Math.abs(ts - now) > MONTH_MS) return fail('bad_timestamp');
  }
  const points = v as [number, unknown][];
  return { ok: true, value: points.sort((a, b) => a[0] - b[0]) };
}

/** A single plain-text value (`ds`, `prop`, `meta`): as our datastream values, NUL-separated items an array. */
export function blynkValue(payload: Buffer): BlynkParsed<unknown> {
  return isMultiValue(payload) ? { ok: true, value: multiValue(payload) } : parseValue(payload);
}

/** `get/ds`: datastream names separated by commas. */
export function requestedNames(payload: Buffer): string[] {
  const names: string[] = [];
  for (const n of payload.toString('utf8').split(',')) if (n.trim()) names.push(n.trim());
  return names;
}

/** What `downlink/utc/all/json` answers (Blynk's fields). */
export interface UtcReply {
  tz_name: string;
  /** POSIX TZ rule; null for a zone with daylight saving time (its rule is not derived here). */
  tz_rule: string | null;
  /** Standard offset from UTC, minutes. */
  tz_offset: number;
  /** Daylight saving time in effect now, minutes. */
  dst_offset: number;
  /** ms since the epoch. */
  time: number;
  iso8601: string;
}

/** The time in `tzName` (an IANA zone; UTC when it is none Intl knows) at `now`. */
export function utcReply(now: number, tzName: unknown): UtcReply {
  const tz = typeof tzName === 'string' && knownZone(tzName) ? tzName : 'UTC';
  const year = new Date(now).getUTCFullYear();
  const jan = offsetMinutes(tz, Date.UTC(year, 0, 1));
  const jul = offsetMinutes(tz, Date.UTC(year, 6, 1));
  const standard = Math.min(jan, jul);
  const current = offsetMinutes(tz, now);
  return {
    tz_name: tz,
    tz_rule: jan === jul ? posixRule(standard) : null,
    tz_offset: standard,
    dst_offset: current - standard,
    time: now,
    iso8601: new Date(now + current * 60_000).toISOString().slice(0, 19) + offsetText(current, ':'),
  };
}

function knownZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `at`, minutes east. */
function offsetMinutes(tz: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(at);
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function offsetText(minutes: number, sep: string): string {
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${hh}${sep}${mm}`;
}

/** POSIX TZ for a fixed offset: the name, then the offset west of UTC (`<+0530>-5:30`); UTC is `UTC0`. */
function posixRule(minutes: number): string {
  if (minutes === 0) return 'UTC0';
  const abs = Math.abs(minutes);
  const west = `${minutes > 0 ? '-' : ''}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
  return `<${offsetText(minutes, '')}>${west}`;
}

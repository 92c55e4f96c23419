import type { Signature, Webhook } from '../types';

// The webhook form's state, and its conversion to and from the API's resource (Blynk + Kobiton fields).

export const TRIGGERS = [
  'DEVICE_STATUS',
  'DEVICE_DATASTREAM_UPDATE',
  'PRODUCT_DATASTREAM_UPDATE',
  'GLOBAL_PRODUCT_DATASTREAM_UPDATE',
  'DEVICE_LOG_EVENT',
  'PRODUCT_LOG_EVENT',
  'GLOBAL_PRODUCT_LOG_EVENT',
  'DEVICE_ADDED',
  'DEVICE_DELETED',
  'FIRST_DEVICE_CONNECTION_IN_ORG',
  'NEW_USER',
  'UPDATED_USER',
  'DELETED_USER',
  'ORGANIZATION_ADDED',
  'INBOUND_WEBHOOK_RECEIVED',
  'DEVICE_EVENTS',
];
export const STATUSES = ['online', 'offline', 'utilizing', 'unplugged'] as const;
export const OPS = ['any', 'changed', 'eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'outside'];
export const THRESHOLD_OPS = new Set(['gt', 'gte', 'lt', 'lte', 'between', 'outside']);

export const isDatastream = (t: string) => t.endsWith('DATASTREAM_UPDATE');
export const isLogEvent = (t: string) => t.endsWith('LOG_EVENT');
export const isUserTrigger = (t: string) => t.endsWith('_USER');
/** Device-scoped (deviceId) for DEVICE_*, template-scoped for PRODUCT_* (Blynk's rule, checked by the API). */
export const scopeFor = (t: string): 'deviceId' | 'templateId' => (t.startsWith('DEVICE_') ? 'deviceId' : 'templateId');

export interface Draft {
  name: string;
  url: string;
  description: string;
  trigger: string;
  scopeKind: '' | 'deviceId' | 'templateId';
  scopeId: string;
  dataStream: string;
  eventCode: string;
  statuses: Record<(typeof STATUSES)[number], boolean>;
  op: string;
  value: string;
  value2: string;
  hysteresis: string;
  forMs: string;
  throttleMs: string;
  method: string;
  contentType: string;
  body: string;
  headers: [string, string][];
  authType: string;
  basicUser: string;
  basicPass: string;
  bearer: string;
  oauthUrl: string;
  oauthId: string;
  oauthSecret: string;
  oauthScope: string;
  failureLimit: string;
  /** Callbacks per minute at most; empty: no limit. */
  rateLimit: string;
  failureReceivers: number[];
  enabled: boolean;
  /** The signature option (Standard Webhooks, or an HMAC-SHA256 header of the receiver's choosing). */
  sigType: Signature['type'];
  sigHeader: string;
  sigEncoding: 'hex' | 'base64';
  sigPrefix: string;
  sigTimestampHeader: string;
  sigSignTimestamp: boolean;
  /** What the form does not edit but a full PUT must send back: formBody, Bold's dataTrigger filters. */
  kept: { trigger: string; formBody: Record<string, string>; dataTrigger: Record<string, unknown> };
}

export const emptyDraft = (): Draft => ({
  name: '',
  url: '',
  description: '',
  trigger: 'DEVICE_STATUS',
  scopeKind: '',
  scopeId: '',
  dataStream: '',
  eventCode: '',
  statuses: { online: true, offline: true, utilizing: false, unplugged: false },
  op: '',
  value: '',
  value2: '',
  hysteresis: '',
  forMs: '',
  throttleMs: '',
  method: 'POST',
  contentType: 'JSON',
  body: '',
  headers: [],
  authType: 'NONE',
  basicUser: '',
  basicPass: '',
  bearer: '',
  oauthUrl: '',
  oauthId: '',
  oauthSecret: '',
  oauthScope: '',
  failureLimit: '10',
  rateLimit: '',
  failureReceivers: [],
  enabled: true,
  sigType: 'STANDARD_WEBHOOKS',
  sigHeader: '',
  sigEncoding: 'hex',
  sigPrefix: '',
  sigTimestampHeader: '',
  sigSignTimestamp: false,
  kept: { trigger: '', formBody: {}, dataTrigger: {} },
});

const UNEDITED_FILTERS = ['eventCodes', 'deviceIds', 'deviceGroupIds'] as const;

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export function draftOf(w: Webhook): Draft {
  const dt = w.dataTrigger ?? {};
  const c = dt.condition;
  const statuses = dt.statuses ?? [...STATUSES];
  return {
    ...emptyDraft(),
    name: w.name,
    url: w.url,
    description: w.description,
    trigger: w.trigger,
    scopeKind: dt.deviceId ? 'deviceId' : dt.templateId ? 'templateId' : '',
    scopeId: dt.deviceId ?? dt.templateId ?? '',
    dataStream: str(dt.dataStream),
    eventCode: str(dt.eventCode),
    statuses: Object.fromEntries(STATUSES.map((s) => [s, statuses.includes(s)])) as Draft['statuses'],
    op: c?.op ?? '',
    value: str(c?.value),
    value2: str(c?.value2),
    hysteresis: str(c?.hysteresis),
    forMs: str(c?.forMs),
    throttleMs: str(dt.throttleMs),
    method: w.method,
    contentType: w.contentType,
    body: w.body,
    headers: Object.entries(w.headers),
    authType: w.authType,
    basicUser: w.basicAuth?.username ?? '',
    basicPass: w.basicAuth?.password ?? '',
    bearer: w.bearerToken ?? '',
    oauthUrl: w.oAuth2Request?.tokenUrl ?? '',
    oauthId: w.oAuth2Request?.clientId ?? '',
    oauthSecret: w.oAuth2Request?.clientSecret ?? '',
    oauthScope: w.oAuth2Request?.scope ?? '',
    failureLimit: String(w.failureLimit),
    rateLimit: str(w.rateLimitPerMinute),
    failureReceivers: w.failureReceivers,
    enabled: w.status === 'ENABLED',
    sigType: w.signature?.type ?? 'STANDARD_WEBHOOKS',
    sigHeader: w.signature?.header ?? '',
    sigEncoding: w.signature?.encoding ?? 'hex',
    sigPrefix: w.signature?.prefix ?? '',
    sigTimestampHeader: w.signature?.timestampHeader ?? '',
    sigSignTimestamp: w.signature?.signTimestamp ?? false,
    kept: {
      trigger: w.trigger,
      formBody: w.formBody ?? {},
      dataTrigger: Object.fromEntries(
        Object.entries(dt).filter(
          ([k]) =>
            (UNEDITED_FILTERS as readonly string[]).includes(k) || (w.trigger === 'DEVICE_EVENTS' && k === 'statuses'),
        ),
      ),
    },
  };
}

/** A number field: empty is left out; what does not read as a number is sent as typed, for the API to name. */
const num = (s: string): number | string | undefined =>
  s.trim() === '' ? undefined : Number.isFinite(Number(s)) ? Number(s) : s;
/** A condition value: a number when it reads as one, else true/false, else the text. */
const scalar = (s: string) =>
  s.trim() === '' ? undefined : !isNaN(Number(s)) ? Number(s) : s === 'true' ? true : s === 'false' ? false : s;

function dataTriggerOf(d: Draft): Record<string, unknown> | undefined {
  const dt: Record<string, unknown> = d.trigger === d.kept.trigger ? { ...d.kept.dataTrigger } : {};
  if (d.scopeKind && d.scopeId.trim()) dt[d.scopeKind] = d.scopeId.trim();
  if (d.trigger === 'DEVICE_STATUS') dt.statuses = STATUSES.filter((s) => d.statuses[s]);
  if (isDatastream(d.trigger)) {
    dt.dataStream = d.dataStream.trim() || undefined;
    if (d.op) {
      const condition = {
        op: d.op,
        value: scalar(d.value),
        value2: num(d.value2),
        hysteresis: num(d.hysteresis),
        forMs: num(d.forMs),
      };
      dt.condition = Object.fromEntries(Object.entries(condition).filter(([, v]) => v !== undefined));
    }
    dt.throttleMs = num(d.throttleMs);
  }
  if (isLogEvent(d.trigger)) dt.eventCode = d.eventCode.trim() || undefined;
  const clean = Object.fromEntries(Object.entries(dt).filter(([, v]) => v !== undefined));
  return Object.keys(clean).length ? clean : undefined;
}

function signatureOf(d: Draft): Signature {
  if (d.sigType === 'STANDARD_WEBHOOKS') return { type: d.sigType };
  const timestampHeader = d.sigTimestampHeader.trim() || undefined;
  const s: Signature = {
    type: d.sigType,
    header: d.sigHeader.trim(),
    encoding: d.sigEncoding,
    prefix: d.sigPrefix || undefined,
    timestampHeader,
    signTimestamp: timestampHeader ? d.sigSignTimestamp : undefined,
  };
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as Signature;
}

/** The body of POST /webhooks or PUT /webhooks/{id}. */
export function payloadOf(d: Draft): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: d.name,
    url: d.url,
    description: d.description,
    trigger: d.trigger,
    dataTrigger: dataTriggerOf(d),
    method: d.method,
    contentType: d.contentType,
    body: d.body,
    formBody: d.kept.formBody,
    headers: Object.fromEntries(d.headers.filter(([k]) => k.trim())),
    authType: d.authType,
    failureLimit: num(d.failureLimit),
    rateLimitPerMinute: num(d.rateLimit) ?? null,
    failureReceivers: d.failureReceivers,
    status: d.enabled ? 'ENABLED' : 'DISABLED',
    signature: signatureOf(d),
  };
  if (d.authType === 'BASIC') out.basicAuth = { username: d.basicUser, password: d.basicPass };
  if (d.authType === 'BEARER') out.bearerToken = d.bearer;
  if (d.authType === 'OAUTH2')
    out.oAuth2Request = {
      tokenUrl: d.oauthUrl,
      clientId: d.oauthId,
      clientSecret: d.oauthSecret,
      scope: d.oauthScope || undefined,
    };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

const COMMON = ['timestamp_unix', 'timestamp_iso8601', 'org_id', 'webhook_id', 'webhook_name'];
const DEVICE = [
  'device_id',
  'device_name',
  'device_templateId',
  'device_productName',
  'device_type',
  'device_state',
  'device_tags',
  'device_dateCreated',
  'device_metadata_X',
  'device_dataStream_X',
];

/** The placeholders a callback of this trigger can fill (src/delivery/render/placeholders.ts). */
export function placeholdersFor(trigger: string): string[] {
  if (isUserTrigger(trigger))
    return ['user_id', 'user_email', 'user_name', 'user_dateCreated', 'user_object', 'event_activity', ...COMMON];
  if (trigger === 'ORGANIZATION_ADDED' || trigger === 'INBOUND_WEBHOOK_RECEIVED')
    return ['event_activity', 'event_description', ...COMMON];
  const extra = isDatastream(trigger)
    ? ['device_dataStreamId', 'device_pin', 'device_pinValue', 'device_pinValue[0]']
    : isLogEvent(trigger) || trigger === 'DEVICE_EVENTS'
      ? ['event_code', 'event_description']
      : ['event_description'];
  return [...DEVICE, ...extra, 'event_activity', ...COMMON];
}

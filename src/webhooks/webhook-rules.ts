import { ApiError } from '../common/api-error.js';
import { DATASTREAM_TRIGGERS, LOG_EVENT_TRIGGERS, type Webhook } from './webhook.model.js';

// Cross-field rules of the webhook resource: what class-validator on single fields cannot say.

const bad = (message: string, code = 'ValidationError') => ApiError.badRequest(message, code);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'x-webhook-secret',
  'x-webhook-hmac-sha256',
]);
/** Set on every callback besides the reserved ones: a signature header cannot take their place. */
const SIGNATURE_CLASHES = new Set(['user-agent', 'content-type', 'authorization']);
const THRESHOLD_OPS = new Set(['gt', 'gte', 'lt', 'lte', 'between', 'outside']);

/** http(s) only; plain http only where the deployment allows it (Bold's error code). */
export function checkUrl(url: string, allowHttp: boolean): void {
  let parsed: URL;
  try {
    // Placeholders such as {device_id} are filled in later; any value keeps the URL shape.
    parsed = new URL(url.replace(/\{[A-Za-z0-9_[\]]+\}/g, 'x'));
  } catch {
    throw bad('url must be an absolute http(s) URL');
  }
  if (parsed.protocol === 'http:' && !allowHttp)
    throw bad('url must use https (plain http is not allowed by this deployment)', 'WebhookUnsupportedProtocol');
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw bad('url must use http or https', 'WebhookUnsupportedProtocol');
}

export function checkStrings(field: 'headers' | 'formBody', record: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(record)) {
    if (typeof value !== 'string' || value.length > 1024 || /[\r\n]/.test(value))
      throw bad(`${field}.${key} must be a single-line string of at most 1024 characters`);
    // Header values go on the wire as given (placeholders aside): visible Latin-1, spaces and tabs only.
    if (field === 'headers' && /[^\t\x20-\x7e\x80-\xff]/.test(value))
      throw bad(`headers.${key} must contain only visible Latin-1 characters (no NUL, CR, LF or other controls)`);
    if (field === 'headers' && !HEADER_NAME.test(key))
      throw bad(`headers: ${JSON.stringify(key)} is not a valid header name`);
    if (field === 'headers' && RESERVED_HEADERS.has(key.toLowerCase()))
      throw bad(`headers.${key} is set by the gateway and cannot be configured`);
    if (field === 'formBody' && key.length > 100) throw bad('formBody keys must be at most 100 characters');
  }
}

/** dataTrigger is required and checked for datastream and log-event triggers (Blynk). */
export function checkDataTrigger(w: Pick<Webhook, 'trigger' | 'dataTrigger'>): void {
  const t = w.trigger;
  const dt = w.dataTrigger;
  const scoped = t.startsWith('DEVICE_') ? 'deviceId' : 'templateId';
  if (DATASTREAM_TRIGGERS.has(t) || LOG_EVENT_TRIGGERS.has(t)) {
    const key = DATASTREAM_TRIGGERS.has(t) ? 'dataStream' : 'eventCode';
    if (!dt) throw bad(`dataTrigger is required for ${t}`);
    if (!dt[key]) throw bad(`dataTrigger.${key} is required for ${t}`);
    if (!dt[scoped]) throw bad(`dataTrigger.${scoped} is required for ${t}`);
  }
  if (t === 'DEVICE_EVENTS' && !dt?.statuses?.length && !dt?.eventCodes?.length) {
    throw bad('dataTrigger.statuses or dataTrigger.eventCodes must name at least one event for DEVICE_EVENTS');
  }
  // Kobiton: "at least 1 event enabled" (an absent list used to mean every status).
  if (t === 'DEVICE_STATUS' && !dt?.statuses?.length)
    throw bad('dataTrigger.statuses must enable at least one status for DEVICE_STATUS (Kobiton: at least 1 event)');
  const c = dt?.condition;
  if (!c) return;
  if (!DATASTREAM_TRIGGERS.has(t)) throw bad(`dataTrigger.condition applies only to datastream triggers, not ${t}`);
  for (const f of ['value', 'value2'] as const) {
    const v: unknown = c[f];
    if (v !== undefined && v !== null && !['number', 'string', 'boolean'].includes(typeof v))
      throw bad(`dataTrigger.condition.${f} must be a scalar (number, string or boolean)`);
  }
  if (THRESHOLD_OPS.has(c.op) && typeof c.value !== 'number')
    throw bad(`dataTrigger.condition.value must be a number for op ${c.op}`);
  if ((c.op === 'between' || c.op === 'outside') && (typeof c.value2 !== 'number' || c.value2 < (c.value as number))) {
    throw bad(`dataTrigger.condition.value2 must be a number not below value for op ${c.op}`);
  }
  if ((c.op === 'eq' || c.op === 'neq') && c.value === undefined)
    throw bad(`dataTrigger.condition.value is required for op ${c.op}`);
  if (c.hysteresis !== undefined && !THRESHOLD_OPS.has(c.op))
    throw bad('dataTrigger.condition.hysteresis applies only to threshold ops');
}

/** GET and DELETE callbacks carry no body: a body template there would be dropped, so it is refused. */
export function checkBodyForMethod(w: Pick<Webhook, 'method' | 'body' | 'formBody'>): void {
  if (w.method !== 'GET' && w.method !== 'DELETE') return;
  if (w.body)
    throw bad(
      `body: a ${w.method} callback carries no body; send the data in the url's placeholders, or use POST, PUT or PATCH`,
    );
  if (Object.keys(w.formBody).length)
    throw bad(`formBody: a ${w.method} callback carries no body; use the url's query, or POST, PUT or PATCH`);
}

/** HMAC_SHA256 names its header; neither header may be one the gateway or the webhook's own headers set. */
export function checkSignature(w: Pick<Webhook, 'signature' | 'headers'>): void {
  const s = w.signature;
  if (!s || s.type === 'STANDARD_WEBHOOKS') {
    const extra = (['header', 'encoding', 'prefix', 'timestampHeader', 'signTimestamp'] as const).find(
      (f) => s?.[f] !== undefined,
    );
    if (extra) throw bad(`signature.${extra} applies to type HMAC_SHA256 only`);
    return;
  }
  if (!s.header) throw bad('signature.header is required for type HMAC_SHA256 (e.g. X-Hub-Signature-256)');
  if (s.signTimestamp && !s.timestampHeader) throw bad('signature.signTimestamp needs signature.timestampHeader');
  const own = new Set(Object.keys(w.headers).map((k) => k.toLowerCase()));
  for (const f of ['header', 'timestampHeader'] as const) {
    const name = s[f]?.toLowerCase();
    if (name === undefined) continue;
    if (RESERVED_HEADERS.has(name) || SIGNATURE_CLASHES.has(name))
      throw bad(`signature.${f}: ${s[f]} is set by the gateway or the HTTP layer`);
    if (own.has(name)) throw bad(`signature.${f}: ${s[f]} is also one of the webhook's headers`);
  }
  if (s.timestampHeader && s.timestampHeader.toLowerCase() === s.header.toLowerCase())
    throw bad('signature.timestampHeader must differ from signature.header');
}

export function checkAuth(
  w: Pick<Webhook, 'authType' | 'basicAuth' | 'bearerToken' | 'oAuth2Request'>,
  allowHttp: boolean,
): void {
  if (w.authType === 'BASIC' && !w.basicAuth)
    throw bad('basicAuth {username, password} is required for authType BASIC');
  if (w.authType === 'BEARER' && !w.bearerToken) throw bad('bearerToken is required for authType BEARER');
  if (w.authType === 'OAUTH2') {
    if (!w.oAuth2Request) throw bad('oAuth2Request {tokenUrl, clientId, clientSecret} is required for authType OAUTH2');
    checkUrl(w.oAuth2Request.tokenUrl, allowHttp);
  }
}

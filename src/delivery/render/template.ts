// Blynk placeholders (`{device_id}`, `{device_pinValue[1]}`, ...) filled in and escaped for where they stand.

/**
 * A placeholder's value, or undefined when this event has none. An unfilled placeholder never breaks the
 * document: it is `null` where a JSON value stands and empty text everywhere else (inside a JSON string, a
 * URL, a form field, a header, plain text).
 */
export type Resolve = (name: string) => unknown;

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*(?:\[\d+\])?)\}/g;

/**
 * Templates without a placeholder render to themselves: most webhooks' URLs and headers, and fixed bodies. Told
 * apart once per template text (bounded: URLs and bodies are per webhook configuration), not scanned per attempt.
 */
// eslint-disable-next-line no-restricted-syntax -- a memo of a pure function of the text: any gateway reads the same answer
const plain = new Map<string, boolean>();
const PLAIN_CACHED = 10_000;
function isPlain(template: string): boolean {
  let p = plain.get(template);
  if (p === undefined) {
    PLACEHOLDER.lastIndex = 0;
    p = !PLACEHOLDER.test(template);
    PLACEHOLDER.lastIndex = 0;
    if (plain.size >= PLAIN_CACHED) plain.clear();
    plain.set(template, p);
  }
  return p;
}

/** The placeholder names in a template, told once per template text (bounded like `plain`). */
// eslint-disable-next-line no-restricted-syntax -- a memo of a pure function of the text, like `plain`
const named = new Map<string, readonly string[]>();
export function placeholderNames(template: string): readonly string[] {
  let names = named.get(template);
  if (names === undefined) {
    names = isPlain(template) ? [] : [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
    if (named.size >= PLAIN_CACHED) named.clear();
    named.set(template, names);
  }
  return names;
}

const text = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Lone UTF-16 surrogates (a device may send `"\ud800"`) become U+FFFD, so encodeURIComponent cannot throw. */
const wellFormed = (s: string): string =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/** URL: every value percent-encoded, so it cannot add a path segment, a query parameter or a fragment. */
export function renderUrl(template: string, resolve: Resolve): string {
  if (isPlain(template)) return template;
  return template.replace(PLACEHOLDER, (_m, name: string) => encodeURIComponent(wellFormed(text(resolve(name)))));
}

/**
 * Header values and plain text. In a header value, control characters become spaces and every character
 * outside printable ASCII is percent-encoded as UTF-8 (RFC 8187's encoding, without its charset prefix), so no
 * device-controlled value (a name such as "Pump €1") can make the request invalid.
 */
export function renderText(template: string, resolve: Resolve, header = false): string {
  if (isPlain(template)) return template;
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const v = resolve(name);
    return header ? headerSafe(text(v)) : text(v);
  });
}

export function headerSafe(value: string): string {
  return (
    wellFormed(value)
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\x00-\x1f\x7f]/g, ' ')
      .replace(/[^\x20-\x7e]+/gu, (run) => encodeURIComponent(run))
  );
}

/**
 * JSON: inside a string literal a value is string-escaped (`"name": "{device_name}"`); outside one it becomes a
 * JSON literal (`"temp": {device_pinValue}` ⇒ a number stays a number, a string is quoted), so a value can never
 * break out of its place in the document.
 */
export function renderJson(template: string, resolve: Resolve): string {
  if (isPlain(template)) return template;
  let out = '';
  let inString = false;
  let last = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (inString && ch === '\\') {
      i++;
      continue;
    }
    if (ch === '"') {
      inString = !inString;
      continue;
    }
    if (ch !== '{') continue;
    PLACEHOLDER.lastIndex = i;
    const m = PLACEHOLDER.exec(template);
    if (!m || m.index !== i) continue;
    const v = resolve(m[1]);
    out += template.slice(last, i) + (inString ? JSON.stringify(text(v)).slice(1, -1) : JSON.stringify(v ?? null));
    i += m[0].length - 1;
    last = i + 1;
  }
  PLACEHOLDER.lastIndex = 0;
  return out + template.slice(last);
}

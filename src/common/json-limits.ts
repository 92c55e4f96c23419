import { ApiError } from './api-error.js';

/** Deepest nesting of arrays/objects accepted in a REST or inbound JSON body. */
export const MAX_JSON_DEPTH = 64;
/** Highest `page` a list accepts (pages beyond any real collection would only overflow offsets). */
export const MAX_PAGE = 100_000;

/**
 * Whether JSON text nests arrays/objects deeper than `max`, found by one pass over the bytes (strings and
 * their escapes skipped) before anything is parsed: no recursion, no reviver, so a body nested 100,000 deep
 * costs one linear scan instead of a stack overflow in whatever walks the parsed value later.
 */
export function jsonDepthExceeds(json: Buffer | string, max = MAX_JSON_DEPTH): boolean {
  const b = typeof json === 'string' ? Buffer.from(json) : json;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export const tooDeep = (max = MAX_JSON_DEPTH): ApiError =>
  ApiError.badRequest(`body: JSON nested deeper than ${max} levels`);

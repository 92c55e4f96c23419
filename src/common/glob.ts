/**
 * Glob matching for `*` (any run of characters) and `?` (one character), case-insensitive, with no regular
 * expression: a translated regex (`*a*a*a*c` → `^.*a.*a.*a.*c$`), as picomatch and minimatch also compile
 * to, backtracks polynomially — one `filter` stalled the event loop for tens of seconds. This is the classic
 * two-pointer matcher: on a mismatch it resumes only after the most recent `*`, so it makes at most
 * |text| × |pattern| steps and never recurses (with the 255-character caps on names and filters, at most
 * ~65,000 steps). Characters are compared by code point.
 */
export function globMatch(pattern: string, text: string): boolean {
  const p = Array.from(pattern.toLowerCase());
  const t = Array.from(text.toLowerCase());
  let i = 0; // in t
  let j = 0; // in p
  let star = -1; // index in p of the last '*' seen
  let resume = 0; // where in t that '*' is to absorb up to next
  while (i < t.length) {
    if (j < p.length && (p[j] === '?' || (p[j] !== '*' && p[j] === t[i]))) {
      i++;
      j++;
    } else if (j < p.length && p[j] === '*') {
      star = j++;
      resume = i;
    } else if (star >= 0) {
      j = star + 1;
      i = ++resume;
    } else {
      return false;
    }
  }
  while (j < p.length && p[j] === '*') j++;
  return j === p.length;
}

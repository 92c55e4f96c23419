// MQTT topic-filter rules the broker enforces beyond Aedes' own.

/**
 * Full topic-filter check. Aedes' own check lets `a+` and `ab/+e` through, so every filter passes this one.
 * [MQTT-4.7.1-2] `#` alone in its level and last; [MQTT-4.7.1-3] `+` alone in its level; [MQTT-4.7.3-1] not empty.
 */
export function isValidFilter(filter: string): boolean {
  if (filter.length === 0) return false;
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return false;
    if (level.includes('+') && level !== '+') return false;
  }
  return true;
}

/** Does `filter` only ever match topics under `prefix` (a literal, ending in '/')? */
export function filterWithin(filter: string, prefix: string): boolean {
  return filter.startsWith(prefix) && filter.length > prefix.length;
}

/** Does the (valid) `filter` match the topic name? A leading wildcard matches no `$` topic [MQTT-4.7.2-1]. */
export function filterMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true; // [MQTT-4.7.1-2] also matches the parent level: `a/#` matches `a`
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

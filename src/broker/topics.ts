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

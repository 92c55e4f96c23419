import type { Condition } from '../webhooks/webhook.model.js';
import type { TriggerState } from './trigger-state.model.js';

// Conditions beyond Blynk (docs/architecture.md §4), as pure functions of (condition, state, value, time): the
// trigger engine owns timers and persistence, so this file is tested with explicit timestamps.

/** `fire`: fire now. `hold`: the condition started holding and must last `forMs` (the engine sets a timer). */
export type Verdict = 'fire' | 'hold' | 'none';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Whether a level condition holds for `v`. */
export function holds(c: Condition, v: unknown): boolean {
  if (c.op === 'eq') return v === c.value;
  if (c.op === 'neq') return v !== c.value;
  const x = num(v);
  const a = c.value as number;
  if (x === null) return false;
  switch (c.op) {
    case 'gt':
      return x > a;
    case 'gte':
      return x >= a;
    case 'lt':
      return x < a;
    case 'lte':
      return x <= a;
    case 'between':
      return x >= a && x <= c.value2!;
    case 'outside':
      return x < a || x > c.value2!;
    default:
      return false;
  }
}

/** Whether an active condition re-arms: the value came back past the threshold by at least `hysteresis`. */
export function releases(c: Condition, v: unknown): boolean {
  const h = c.hysteresis ?? 0;
  const x = num(v);
  if (h === 0 || x === null) return !holds(c, v);
  const a = c.value as number;
  switch (c.op) {
    case 'gt':
    case 'gte':
      return x < a - h;
    case 'lt':
    case 'lte':
      return x > a + h;
    case 'between':
      return x < a - h || x > c.value2! + h;
    case 'outside':
      return x > a + h && x < c.value2! - h;
    default:
      return !holds(c, v);
  }
}

/**
 * One new value against the condition. Level ops fire on the crossing (inactive → holding), not on every
 * value past the threshold; with forMs the crossing only starts a hold.
 */
export function evaluate(c: Condition | undefined, s: TriggerState, v: unknown, ts: number): Verdict {
  if (!c || c.op === 'any') {
    s.lastValue = v;
    return 'fire';
  }
  if (c.op === 'changed') {
    const changed = s.lastValue === undefined || JSON.stringify(s.lastValue) !== JSON.stringify(v);
    s.lastValue = v;
    return changed ? 'fire' : 'none';
  }
  s.lastValue = v;
  if (s.active) {
    if (releases(c, v)) s.active = false;
    return 'none';
  }
  if (!holds(c, v)) {
    s.holdingSince = null;
    return 'none';
  }
  if (c.forMs) {
    if (s.holdingSince === null) {
      s.holdingSince = ts;
      return 'hold';
    }
    return ts - s.holdingSince >= c.forMs ? activate(s) : 'none';
  }
  return activate(s);
}

/**
 * The forMs timer ran out. `fire`: the condition held since the same moment for forMs (the state is now active).
 * `broken`: a value broke it, or it fired already. `wait`: still holding, but the wall clock says forMs has not
 * passed yet: timers run on the event loop's cached monotonic time, so under load they can run a few ms ahead of
 * `Date.now()`, and the hold must be armed again for the rest, not dropped.
 */
export function holdOutcome(c: Condition, s: TriggerState, since: number, now: number): 'fire' | 'broken' | 'wait' {
  if (s.active || s.holdingSince !== since) return 'broken';
  if (now - since < (c.forMs ?? 0)) return 'wait';
  activate(s);
  return 'fire';
}

function activate(s: TriggerState): 'fire' {
  s.active = true;
  s.holdingSince = null;
  return 'fire';
}

/** throttleMs: at most one firing per device per window. */
export function throttled(throttleMs: number | undefined, s: TriggerState, ts: number): boolean {
  if (!throttleMs || s.lastFiredAt === null || ts - s.lastFiredAt >= throttleMs) {
    s.lastFiredAt = ts;
    return false;
  }
  return true;
}

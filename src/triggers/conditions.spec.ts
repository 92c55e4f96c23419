import type { Condition } from '../webhooks/webhook.model.js';
import { evaluate, holdOutcome, throttled } from './conditions.js';
import type { TriggerState } from './trigger-state.model.js';

const fresh = (): TriggerState => ({
  webhookId: 1,
  deviceId: 'd',
  active: false,
  lastValue: undefined,
  holdingSince: null,
  lastFiredAt: null,
});
const run = (c: Condition, values: unknown[]) => {
  const s = fresh();
  return values.map((v, i) => evaluate(c, s, v, i * 1000));
};

describe('conditions', () => {
  it('fires a threshold on the crossing only, and again after coming back', () => {
    expect(run({ op: 'gt', value: 30 }, [20, 31, 35, 40, 29, 33])).toEqual([
      'none',
      'fire',
      'none',
      'none',
      'none',
      'fire',
    ]);
  });

  it('re-arms only past the hysteresis band', () => {
    // back to 28 is not below 30 - 5, so 32 does not fire again; 24 re-arms, 31 fires.
    expect(run({ op: 'gt', value: 30, hysteresis: 5 }, [31, 28, 32, 24, 31])).toEqual([
      'fire',
      'none',
      'none',
      'none',
      'fire',
    ]);
    expect(run({ op: 'lt', value: 10, hysteresis: 2 }, [9, 11, 8, 13, 9])).toEqual([
      'fire',
      'none',
      'none',
      'none',
      'fire',
    ]);
  });

  it('between and outside fire on entering the band / leaving it', () => {
    expect(run({ op: 'between', value: 10, value2: 20 }, [5, 15, 18, 25, 12])).toEqual([
      'none',
      'fire',
      'none',
      'none',
      'fire',
    ]);
    expect(run({ op: 'outside', value: 10, value2: 20 }, [15, 25, 30, 15, 5])).toEqual([
      'none',
      'fire',
      'none',
      'none',
      'fire',
    ]);
  });

  it('changed fires on every new value, eq on becoming equal, any on everything', () => {
    expect(run({ op: 'changed' }, [1, 1, 2, 2, 'x'])).toEqual(['fire', 'none', 'fire', 'none', 'fire']);
    expect(run({ op: 'eq', value: 'open' }, ['closed', 'open', 'open', 'closed', 'open'])).toEqual([
      'none',
      'fire',
      'none',
      'none',
      'fire',
    ]);
    expect(run({ op: 'any' }, [1, 1])).toEqual(['fire', 'fire']);
  });

  it('ignores values of the wrong type for numeric ops', () => {
    expect(run({ op: 'gt', value: 1 }, ['5', null, { a: 1 }, 5])).toEqual(['none', 'none', 'none', 'fire']);
  });

  it('forMs: a hold fires only if the condition lasts that long', () => {
    const c: Condition = { op: 'gt', value: 30, forMs: 5000 };
    const s = fresh();
    expect(evaluate(c, s, 31, 0)).toBe('hold');
    expect(evaluate(c, s, 29, 2000)).toBe('none'); // broken: the hold is over
    expect(holdOutcome(c, s, 0, 5000)).toBe('broken');
    expect(evaluate(c, s, 35, 6000)).toBe('hold');
    expect(evaluate(c, s, 36, 8000)).toBe('none');
    expect(holdOutcome(c, s, 6000, 10_997)).toBe('wait'); // the timer ran ahead of the wall clock
    expect(s.active).toBe(false);
    expect(holdOutcome(c, s, 6000, 11000)).toBe('fire');
    expect(s.active).toBe(true);
    expect(evaluate(c, s, 40, 12000)).toBe('none'); // already fired for this crossing
    // A value arriving after the window without a timer also fires.
    const t = fresh();
    evaluate(c, t, 31, 0);
    expect(evaluate(c, t, 32, 6000)).toBe('fire');
  });

  it('throttles per window', () => {
    const s = fresh();
    expect([0, 500, 999, 1000, 1500, 2100].map((ts) => throttled(1000, s, ts))).toEqual([
      false,
      true,
      true,
      false,
      true,
      false,
    ]);
  });
});

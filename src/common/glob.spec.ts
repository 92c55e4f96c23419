import { globMatch } from './glob.js';

describe('globMatch', () => {
  it.each([
    ['al*', 'Alpine', true],
    ['al*', 'beta', false],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*b*', 'abc', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false],
    ['*.txt', 'a.txt', true],
    ['a.c', 'abc', false], // no regex meaning
    ['(x)+', '(x)+', true],
    ['?', '€', true], // one code point
    ['Ä*', 'äpfel', true],
  ])('%j matches %j: %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it('does not backtrack exponentially on *a*a*a*a*c against a long name', () => {
    // With a regex this pattern takes seconds on 255 characters; here it is ~|p|×|t| steps.
    expect(globMatch('*a*a*a*a*a*a*a*a*a*a*c', 'a'.repeat(255))).toBe(false);
    expect(globMatch('*a*a*a*a*c', `${'a'.repeat(250)}c`)).toBe(true);
  });
});

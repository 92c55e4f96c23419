import { filterMatches, isValidFilter } from './topics.js';

describe('topic filters', () => {
  it.each(['a', 'a/b', '+', '#', 'a/+/b', 'a/#', '+/+', '/', 'a//b', '$SYS/#'])('accepts the filter %s', (f) => {
    expect(isValidFilter(f)).toBe(true);
  });

  it.each(['', 'a+', 'ab/+e', 'a#', 'a/#/b', '#/a', '++', 'a/b#'])('refuses the malformed filter %j', (f) => {
    expect(isValidFilter(f)).toBe(false);
  });
});

describe('filterMatches', () => {
  it.each([
    ['a/b', 'a/b'],
    ['a/+', 'a/b'],
    ['+/+', '/a'],
    ['a/#', 'a'],
    ['a/#', 'a/b/c'],
    ['#', 'a/b'],
    ['+', ''],
    ['$SYS/#', '$SYS/x'],
  ])('%s matches %s', (f, t) => {
    expect(filterMatches(f, t)).toBe(true);
  });

  it.each([
    ['a/+', 'a'],
    ['a/+', 'a/b/c'],
    ['a/b', 'a/c'],
    ['+', 'a/b'],
    ['#', '$SYS/x'],
    ['+/x', '$SYS/x'],
    ['a/b/c', 'a/b'],
  ])('%s does not match %s', (f, t) => {
    expect(filterMatches(f, t)).toBe(false);
  });
});

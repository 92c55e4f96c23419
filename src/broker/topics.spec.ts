import { isValidFilter } from './topics.js';

describe('topic filters', () => {
  it.each(['a', 'a/b', '+', '#', 'a/+/b', 'a/#', '+/+', '/', 'a//b', '$SYS/#'])('accepts the filter %s', (f) => {
    expect(isValidFilter(f)).toBe(true);
  });

  it.each(['', 'a+', 'ab/+e', 'a#', 'a/#/b', '#/a', '++', 'a/b#'])('refuses the malformed filter %j', (f) => {
    expect(isValidFilter(f)).toBe(false);
  });
});

import type { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { RateLimitedLog } from './rate-limited-log.js';

describe('RateLimitedLog', () => {
  afterEach(() => jest.useRealTimers());

  it('writes at most perMinute lines per key, then reports how many it held back', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const lines: string[] = [];
    const logger = { log: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`) };
    const log = new RateLimitedLog(logger as unknown as Logger, 3);
    for (let i = 0; i < 5; i++) log.warn('k', `refused ${i}`);
    log.info('other', 'separate key');
    expect(lines).toEqual(['warn refused 0', 'warn refused 1', 'warn refused 2', 'info separate key']);
    jest.setSystemTime(1_000_000 + 60_000);
    log.warn('k', 'refused 5');
    expect(lines.slice(4)).toEqual(['warn 2 more "k" lines suppressed in the last minute', 'warn refused 5']);
  });
});

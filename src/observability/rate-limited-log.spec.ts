import type { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { StopReport } from './stop-report.js';
import { backgroundErrors, RateLimitedLog } from './rate-limited-log.js';

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

  it("background errors: a few a minute per key, none once their gateway's stop began (another's go on)", () => {
    jest.useFakeTimers({ now: 2_000_000 });
    const lines: string[] = [];
    const push = (m: string) => lines.push(m);
    const logger = { error: push, warn: push } as unknown as Logger;
    const stopReport = new StopReport();
    const log = backgroundErrors(logger, stopReport);
    for (let i = 0; i < 10; i++) log.error('write', `failed ${i}`);
    expect(lines).toEqual(['failed 0', 'failed 1', 'failed 2']);
    jest.setSystemTime(2_000_000 + 60_000);
    stopReport.begin();
    log.error('write', 'during the stop');
    expect(lines).toHaveLength(3);
    // Another gateway of this process (tests) keeps its own report: its writers still log.
    backgroundErrors(logger, new StopReport()).error('write', 'another gateway');
    expect(lines.slice(3)).toEqual(['another gateway']);
  });
});

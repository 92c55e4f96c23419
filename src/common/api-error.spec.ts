import type { Logger } from '@nestjs/common';
import { ApiError, logServerError } from './api-error.js';

describe('logServerError', () => {
  const recorder = () => {
    const lines: string[] = [];
    return { lines, logger: { error: (m: string) => lines.push(m) } as unknown as Logger };
  };

  it('logs every 5xx with its cause and nothing below 500', () => {
    const { lines, logger } = recorder();
    logServerError(logger, new ApiError(502, 'InvalidDeviceReply', 'statusCode 100 is not 200-599'));
    logServerError(logger, new Error('boom'));
    logServerError(logger, ApiError.badRequest('nope'));
    expect(lines[0]).toBe('502 InvalidDeviceReply: statusCode 100 is not 200-599');
    expect(lines[1]).toMatch(/^Error: boom\n\s+at /);
    expect(lines).toHaveLength(2);
  });
});

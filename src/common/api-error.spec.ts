import type { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import { ApiError, describeError, logServerError } from './api-error.js';
import { SecretBox } from './secret-box.js';

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

describe('describeError: storage failures', () => {
  it('answers 503 StorageUnavailable naming the cause, never a bare 500', () => {
    const full = describeError(new Database.SqliteError('database or disk is full', 'SQLITE_FULL'));
    expect(full).toEqual({
      status: 503,
      code: 'StorageUnavailable',
      message:
        'storage unavailable: the disk holding DATA_DIR is full (SQLITE_FULL); the request was not completed, retry later',
    });
    expect(
      describeError(new Database.SqliteError('attempt to write a readonly database', 'SQLITE_READONLY_DBMOVED')),
    ).toMatchObject({ status: 503, message: expect.stringMatching(/read-only \(SQLITE_READONLY_DBMOVED\)/) });
    expect(describeError(new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE'))).toMatchObject({
      status: 503,
    });
    const mongo = describeError(
      new mongoose.mongo.MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:27017', {} as never),
    );
    expect(mongo).toMatchObject({ status: 503, code: 'StorageUnavailable' });
    expect(mongo.message).toMatch(/MongoDB is unreachable \(connect ECONNREFUSED/);
    expect(describeError(new Database.SqliteError('constraint failed', 'SQLITE_CONSTRAINT'))).toMatchObject({
      status: 500,
    });
  });

  it('answers 503 ConfigurationError for a secret this key cannot open', () => {
    const sealed = new SecretBox(Buffer.alloc(32, 1)).seal('x');
    let thrown: unknown;
    try {
      new SecretBox(Buffer.alloc(32, 2)).open(sealed);
    } catch (err) {
      thrown = err;
    }
    expect(describeError(thrown)).toMatchObject({ status: 503, code: 'ConfigurationError' });
    expect(describeError(thrown).message).toMatch(/GATEWAY_SECRET_KEY/);
  });
});

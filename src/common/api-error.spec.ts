import type { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import { ApiError, checkAll, describeError, logServerError } from './api-error.js';
import { SecretBox } from './secret-box.js';
import { storedHeaders } from '../delivery/delivery-attempts.js';

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

describe('checkAll: every failing check of a request in one 400', () => {
  const fail = (m: string, code?: string) => () => {
    throw ApiError.badRequest(m, code);
  };

  it('names each failed field, in order, with the first one’s code', async () => {
    const err = await checkAll([
      fail('url must use https', 'WebhookUnsupportedProtocol'),
      () => {},
      async () => fail('headers.X-A must be a single-line string')(),
      fail('no field named first'),
    ]).catch((e: unknown) => e);
    expect(describeError(err)).toEqual({
      status: 400,
      code: 'WebhookUnsupportedProtocol',
      message: 'url must use https; headers.X-A must be a single-line string; no field named first',
      fields: [
        { path: 'url', message: 'url must use https' },
        { path: 'headers.X-A', message: 'headers.X-A must be a single-line string' },
        { path: '', message: 'no field named first' },
      ],
    });
  });

  it('throws one failure as it was, anything but a 400 at once, and nothing when all pass', async () => {
    const one = ApiError.badRequest('name must be 1 to 50 characters');
    await expect(checkAll([() => {}, () => Promise.reject(one)])).rejects.toBe(one);
    const boom = new Error('database gone');
    await expect(checkAll([fail('url must use https'), () => Promise.reject(boom)])).rejects.toBe(boom);
    await expect(checkAll([() => {}])).resolves.toBeUndefined();
  });
});

describe('storedHeaders: the response headers an attempt keeps', () => {
  it('keeps at most 30, each cut to 256 characters, repeated ones joined', () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`x-h${i}`, 'v'.repeat(300)]));
    const kept = storedHeaders({ 'set-cookie': ['a=1', 'b=2'], skipped: undefined, ...many });
    expect(kept).toHaveLength(30);
    expect(kept[0]).toEqual({ name: 'set-cookie', value: 'a=1, b=2' });
    expect(kept[1]).toEqual({ name: 'x-h0', value: 'v'.repeat(256) });
  });
});

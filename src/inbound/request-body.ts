import busboy from 'busboy';
import type { Request } from 'express';
import getRawBody from 'raw-body';
import { ApiError } from '../common/api-error.js';
import { jsonDepthExceeds, tooDeep } from '../common/json-limits.js';

export const MAX_INBOUND_BODY_BYTES = 256 * 1024;

/** Reads the whole body, refusing more than the limit with 413. */
export async function readBody(req: Request, limit = MAX_INBOUND_BODY_BYTES): Promise<Buffer> {
  try {
    return await getRawBody(req, { limit });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large')
      throw new ApiError(413, 'PayloadTooLarge', `request body over ${limit} bytes`);
    throw ApiError.badRequest(`unreadable request body: ${(err as Error).message}`);
  }
}

/**
 * The body as a device receives it: JSON parsed, url-encoded and multipart forms as objects (multipart files
 * as base64 with their name and type), text as a string, anything else as base64.
 */
export async function parseBody(contentType: string | undefined, raw: Buffer): Promise<unknown> {
  if (raw.length === 0) return null;
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    if (jsonDepthExceeds(raw)) throw tooDeep();
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      throw ApiError.badRequest('body is not valid JSON (Content-Type says application/json)');
    }
  }
  if (type === 'application/x-www-form-urlencoded')
    return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  if (type === 'multipart/form-data') return parseMultipart(contentType!, raw);
  if (type.startsWith('text/') || type === 'application/xml' || type === '') return raw.toString('utf8');
  return raw.toString('base64');
}

function parseMultipart(contentType: string, raw: Buffer): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const out: Record<string, unknown> = {};
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentType } });
    } catch (err) {
      return reject(ApiError.badRequest(`bad multipart body: ${(err as Error).message}`));
    }
    parser.on('field', (name, value) => {
      out[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        out[name] = {
          filename: info.filename,
          mimeType: info.mimeType,
          base64: Buffer.concat(chunks).toString('base64'),
        };
      });
    });
    parser.on('error', (err: Error) => reject(ApiError.badRequest(`bad multipart body: ${err.message}`)));
    parser.on('close', () => resolve(out));
    parser.end(raw);
  });
}

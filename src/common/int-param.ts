import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { ApiError } from './api-error.js';

/**
 * An integer id in a path (`/webhooks/{id}`): anything else is a 400 that names the parameter (Nest's
 * ParseIntPipe says only "Validation failed (numeric string is expected)"). The global ValidationPipe has
 * already turned the text into a number (NaN for "abc"), so the text itself cannot be quoted.
 */
export class IntParam implements PipeTransform<unknown, number> {
  /** `label` names the parameter in the message, e.g. "webhook id" (default: the route's parameter name). */
  constructor(private readonly label?: string) {}

  transform(value: unknown, meta: ArgumentMetadata): number {
    const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
    if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) return n;
    throw ApiError.badRequest(`${this.label ?? meta.data ?? 'id'} (in the path) must be a whole number`);
  }
}

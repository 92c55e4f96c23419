import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { ApiError } from './api-error.js';

/**
 * An integer id in a path (`/webhooks/{id}`): anything else is a 400 that names the parameter and the value
 * (Nest's ParseIntPipe says only "Validation failed (numeric string is expected)").
 */
export class IntParam implements PipeTransform<string, number> {
  /** `label` names the parameter in the message, e.g. "webhook id" (default: the route's parameter name). */
  constructor(private readonly label?: string) {}

  transform(value: string, meta: ArgumentMetadata): number {
    if (/^\d{1,15}$/.test(value)) return Number(value);
    const name = this.label ?? meta.data ?? 'id';
    throw ApiError.badRequest(
      `${name} (in the path) must be a whole number, not ${JSON.stringify(value.slice(0, 40))}`,
    );
  }
}

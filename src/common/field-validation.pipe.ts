import { ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { ApiError, type FieldError } from './api-error.js';

const OMITTED = 'Further validation errors were omitted';

/**
 * Nest's ValidationPipe, answering every invalid field of the request in one 400 with its path
 * (`error.fields`), next to the message it always had (the fields' messages joined with "; ", each prefixed with
 * its parent path as Nest does). Nest's bound on the size of the messages (maxErrorMessagesLength) still applies.
 */
export class FieldValidationPipe extends ValidationPipe {
  override createExceptionFactory() {
    return (errors: ValidationError[] = []) => {
      const budget = { remaining: this.maxErrorMessagesLength, isExceeded: false };
      const fields = fieldErrors(this.limitValidationErrors(errors, budget));
      const error = ApiError.invalid(fields);
      return budget.isExceeded ? ApiError.invalid([...fields, { path: '', message: OMITTED }]) : error;
    };
  }
}

/** Depth first, parents before their children (Nest's order); `a.b.0.c` for nested objects and arrays. */
export function fieldErrors(errors: ValidationError[], parent = '', out: FieldError[] = []): FieldError[] {
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {}))
      out.push({ path, message: parent ? `${parent}.${message}` : message });
    if (e.children?.length) fieldErrors(e.children, path, out);
  }
  return out;
}

import { IsIn } from 'class-validator';

/** `<name> must be one of a, b, c`: the message the webhook DTOs give for an enum field. */
export const oneOf = (name: string, values: readonly string[]) =>
  IsIn(values, { message: `${name} must be one of ${values.join(', ')}` });

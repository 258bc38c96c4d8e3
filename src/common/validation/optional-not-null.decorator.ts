import { applyDecorators } from '@nestjs/common';
import { IsDefined, ValidateIf } from 'class-validator';

/**
 * Like `@IsOptional()`, except that `null` is an error: the contract says to omit a field
 * rather than send null, so `{ "ttlSeconds": null }` is a 400 naming the field.
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_object, value) => value !== undefined),
    IsDefined({ message: ({ property }) => `${property} must not be null; omit it instead` }),
  );
}

import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidationFailedException } from '../errors';
import { MAX_PAYLOAD_DEPTH, nestedDeeperThan } from '../payload-depth';

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      parent ? message.replace(error.property, path) : message,
    );
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/**
 * The global ValidationPipe, stricter in two ways: a body must be a JSON object (not an
 * array, string or number), and every failure is a `ValidationFailedException` whose message
 * lists each offending field.
 */
export class JsonBodyValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new ValidationFailedException(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object) {
      // No body at all (no Content-Type) is an empty one: every field of Generate is optional.
      if (value === undefined) value = {};
      else if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new ValidationFailedException(['request body must be a JSON object']);
      } else if (nestedDeeperThan(value, MAX_PAYLOAD_DEPTH)) {
        throw new ValidationFailedException([`request body nests arrays and objects more than ${MAX_PAYLOAD_DEPTH} levels deep`]);
      }
    }
    return super.transform(value, metadata);
  }
}

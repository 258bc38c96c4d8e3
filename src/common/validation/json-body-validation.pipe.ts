import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidationFailedException } from '../errors';
import { MAX_PAYLOAD_DEPTH, nestedDeeperThan } from '../payload-depth';

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    // A missing or null field fails every rule on it; only "required" / "must not be null" says why.
    const constraints = error.constraints ?? {};
    const own = (constraints.isDefined ? [constraints.isDefined] : Object.values(constraints)).map((message) =>
      parent ? message.replace(error.property, path) : message,
    );
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/**
 * Keys named like `Object.prototype` members (`__proto__`, `constructor`, `toString`, …):
 * class-transformer skips some and class-validator's whitelist takes the others for declared
 * properties, so `forbidNonWhitelisted` would let them through unnamed.
 */
function prototypeNamedKeys(value: object): string[] {
  return Object.keys(value).filter((key) => key in Object.prototype);
}

/**
 * The global ValidationPipe, stricter in three ways: a body must be a JSON object (not an
 * array, string or number), a body or query key named like an `Object.prototype` member is
 * refused as unknown, and every failure is a `ValidationFailedException` whose message lists
 * each offending field.
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
    if (!metadata.metatype || metadata.metatype === Object) return super.transform(value, metadata);
    if (metadata.type === 'body') {
      // No body at all (no Content-Type) is an empty one: every field of Generate is optional.
      if (value === undefined) value = {};
      else if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new ValidationFailedException(['request body must be a JSON object']);
      } else if (nestedDeeperThan(value, MAX_PAYLOAD_DEPTH)) {
        throw new ValidationFailedException([`request body nests arrays and objects more than ${MAX_PAYLOAD_DEPTH} levels deep`]);
      }
    }
    if ((metadata.type === 'body' || metadata.type === 'query') && typeof value === 'object' && value !== null) {
      const refused = prototypeNamedKeys(value);
      if (refused.length > 0) throw new ValidationFailedException(refused.map((key) => `property ${key} should not exist`));
    }
    return super.transform(value, metadata);
  }
}

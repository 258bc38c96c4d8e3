import { DomainException } from './domain.exception';

/** 400: the request is malformed; `detail` names each offending field. */
export class ValidationFailedException extends DomainException {
  readonly code = 'VALIDATION_FAILED' as const;
}

import { DomainException } from './domain.exception';

/** 401: no bearer token, or one that does not verify. */
export class UnauthorizedException extends DomainException {
  readonly code = 'UNAUTHORIZED' as const;
}

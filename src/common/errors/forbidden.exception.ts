import { DomainException } from './domain.exception';

/** 403: the caller is known but lacks a permission the request needs. */
export class ForbiddenException extends DomainException {
  readonly code = 'FORBIDDEN' as const;
}

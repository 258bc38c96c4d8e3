import { DomainException } from './domain.exception';

/** 429: the user already holds the maximum number of unconsumed tickets. */
export class TooManyActiveTicketsException extends DomainException {
  readonly code = 'TOO_MANY_ACTIVE_TICKETS' as const;

  constructor(limit: number, retryAfterSeconds: number) {
    super(`At most ${limit} unconsumed tickets may be held at once; use or revoke some first`, {
      retryAfterSeconds,
    });
  }
}

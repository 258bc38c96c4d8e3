import { DomainException } from './domain.exception';

/** 503: the ticket store did not answer in time; the request may be retried. */
export class StoreUnavailableException extends DomainException {
  readonly code = 'STORE_UNAVAILABLE' as const;

  constructor(cause?: unknown) {
    super('The ticket store is unavailable; retry shortly', { retryAfterSeconds: 1, cause });
  }
}

import { DomainException } from './domain.exception';

/** 429: too many requests in the current window. */
export class RateLimitedException extends DomainException {
  readonly code = 'RATE_LIMITED' as const;

  constructor(detail: string, retryAfterSeconds: number) {
    super(detail, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });
  }
}

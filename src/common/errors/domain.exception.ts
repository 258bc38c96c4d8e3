import { ERROR_STATUS, ErrorCode } from './error-code';

/**
 * Base of every error the service raises on purpose. It carries a stable `code` and is mapped
 * to HTTP (or to a socket refusal) once, at the edge; it never holds a stack for clients.
 */
export abstract class DomainException extends Error {
  abstract readonly code: ErrorCode;
  /** Seconds a client should wait before retrying; sent as `Retry-After`. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly detail: string | string[],
    options?: { retryAfterSeconds?: number; cause?: unknown },
  ) {
    super(Array.isArray(detail) ? detail.join('; ') : detail, { cause: options?.cause });
    this.name = new.target.name;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Where a failure happened. */
export type FailurePhase = 'ticket' | 'handshake' | 'refresh' | 'resume';

/**
 * Codes the client reports. Besides the server's own (CONTRACT §3 REST codes such as
 * `UNAUTHORIZED`, `RATE_LIMITED`, `STORE_UNAVAILABLE`; §4 handshake codes such as
 * `TOKEN_EXPIRED`, `TICKET_INVALID`), the client adds:
 * - `TICKET_ENDPOINT_UNREACHABLE`: no HTTP answer (network error or timeout);
 * - `TOKEN_UNAVAILABLE`: the app's `getToken` threw or returned nothing;
 * - `BAD_RESPONSE`: the ticket endpoint answered something that is not a ticket.
 */
export type TicketgateErrorCode = string;

/** Handshake refusals after which reconnecting cannot help until the app acts (new JWT, other origin). */
const FATAL_HANDSHAKE_CODES: ReadonlySet<string> = new Set(['TOKEN_INVALID', 'TOKEN_EXPIRED', 'AUTH_REQUIRED', 'FORBIDDEN_ORIGIN']);

/** True for a handshake refusal that must stop reconnecting (CONTRACT §4 codes). */
export function isFatalHandshakeCode(code: string): boolean {
  return FATAL_HANDSHAKE_CODES.has(code);
}

/** Auth failures: the app should get a fresh JWT (or sign in again); retrying as is will not help. */
const AUTH_CODES: ReadonlySet<string> = new Set([
  'UNAUTHORIZED',
  'FORBIDDEN',
  'TOKEN_UNAVAILABLE',
  'TICKET_INVALID',
  'SESSION_EXPIRED',
  ...FATAL_HANDSHAKE_CODES,
]);

/** A failure of the Ticketgate client, with a stable `code`. It never carries a ticket or a JWT. */
export class TicketgateError extends Error {
  override readonly name = 'TicketgateError';

  constructor(
    readonly code: TicketgateErrorCode,
    message: string,
    readonly phase: FailurePhase,
    readonly details: {
      /** HTTP status of the ticket endpoint's answer. */
      status?: number;
      /** How long the server asked to wait (`Retry-After`), in ms. */
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  /** True when the app must act on its credentials (refresh its JWT); see the `auth_error` event. */
  get isAuthError(): boolean {
    return AUTH_CODES.has(this.code);
  }

  /**
   * True when the ticket endpoint is down rather than refusing: no answer, 502, 503 or 504.
   * Only these allow the JWT fallback.
   */
  get isUnavailable(): boolean {
    return this.code === 'TICKET_ENDPOINT_UNREACHABLE' || [502, 503, 504].includes(this.details.status ?? 0);
  }

  /** True when trying again later may succeed: unavailability and rate limits. */
  get isTransient(): boolean {
    return this.isUnavailable || this.details.status === 429;
  }
}

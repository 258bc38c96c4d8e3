/**
 * Codes a socket client can receive (CONTRACT §4): as a refused handshake's `connect_error`
 * (`err.message` = code, `err.data = { code, message }`) or as `{ ok: false, code }` in an ack.
 * Each comes with the message clients see; it never says more than the code does.
 */
export const WS_ERROR_MESSAGES = {
  AUTH_REQUIRED: 'No credential was sent',
  TICKET_INVALID: 'The ticket is invalid, expired or already used',
  TOKEN_INVALID: 'The token is invalid',
  TOKEN_EXPIRED: 'The token has expired',
  FORBIDDEN_ORIGIN: 'This origin may not open sockets',
  AUTH_UNAVAILABLE: 'Authentication is temporarily unavailable; retry shortly',
  RATE_LIMITED: 'Too many failed attempts from this address; retry in a minute',
  FORBIDDEN: 'Missing permission',
  SESSION_EXPIRED: 'The session has expired',
  TOO_MANY_ACTIVE_TICKETS: 'Too many unconsumed tickets; use or revoke some first',
  VALIDATION_FAILED: 'The message payload is not acceptable',
  INTERNAL_ERROR: 'Internal error',
} as const;

export type WsErrorCode = keyof typeof WS_ERROR_MESSAGES;

/** What a client receives alongside a code. */
export interface WsErrorBody {
  code: WsErrorCode;
  message: string;
}

/** Refusals that say nothing about a guessed credential are not counted against the address. */
const NOT_COUNTED: ReadonlySet<WsErrorCode> = new Set(['RATE_LIMITED', 'AUTH_UNAVAILABLE']);

/** True when a refusal with this code counts toward `WS_FAILED_HANDSHAKES_PER_MINUTE`. */
export function countsAsFailure(code: WsErrorCode): boolean {
  return !NOT_COUNTED.has(code);
}

/** Stable error codes of CONTRACT.md §3, each with the HTTP status it maps to at the edge. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  TICKET_NOT_FOUND: 404,
  NOT_FOUND: 404,
  /** Not in CONTRACT §3: the body did not arrive in full in time (Node answers before any route). */
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  TOO_MANY_ACTIVE_TICKETS: 429,
  /** Not in CONTRACT §3: request line and headers over Node's limit (answered before any route). */
  HEADERS_TOO_LARGE: 431,
  STORE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The JSON body of every error response. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string | string[];
}

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

/**
 * The code of an error known only by its status (Nest's HttpExceptions, Fastify's and Node's
 * errors): the general code of each status. Statuses not listed are VALIDATION_FAILED below 500.
 */
export const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  503: 'STORE_UNAVAILABLE',
};

/** The JSON body of every error response. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string | string[];
}

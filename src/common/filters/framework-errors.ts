import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CODE_BY_STATUS, ERROR_STATUS, ErrorBody, ErrorCode } from '../errors';
import { BODY_LIMIT_BYTES, MAX_PARAM_LENGTH, REQUEST_TIMEOUT_MS } from '../http-limits';

function body(code: ErrorCode, message: string | string[]): ErrorBody {
  return { statusCode: ERROR_STATUS[code], code, message };
}

function unsupportedMediaType(contentType: string | undefined): ErrorBody {
  const named = !contentType ? 'A body without Content-Type' : `Content-Type ${JSON.stringify(contentType.slice(0, 100))}`;
  return body('VALIDATION_FAILED', `${named} is not accepted; send the body as application/json`);
}

/** Errors Fastify raises before a handler runs (URL, routing, body parsing), by code. */
const FASTIFY_ERRORS: Record<string, (request: FastifyRequest) => ErrorBody> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => body('PAYLOAD_TOO_LARGE', `Request body exceeds ${BODY_LIMIT_BYTES} bytes`),
  // Fastify's status is 415; CONTRACT §3 has no code for it, and a wrong body is a malformed request.
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (request) => unsupportedMediaType(request.headers['content-type']),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => body('VALIDATION_FAILED', 'Body is empty although Content-Type is application/json; send {} or omit the header'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => body('VALIDATION_FAILED', 'Content-Length does not match the body'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => body('VALIDATION_FAILED', 'Body is not valid JSON'),
  // The URL is not repeated: its path may hold a ticket (DELETE .../ticket/:ticket).
  FST_ERR_BAD_URL: () => body('VALIDATION_FAILED', 'The URL path is not valid percent-encoding'),
  FST_ERR_MAX_PARAM_LENGTH: () => body('VALIDATION_FAILED', `A path segment is longer than ${MAX_PARAM_LENGTH} characters`),
};

export function isFastifyError(error: unknown): error is FastifyError {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('FST_');
}

/** The contract body for a Fastify error, or `undefined` for a 5xx one (a server fault, to be logged). */
export function fastifyErrorBody(error: FastifyError, request: FastifyRequest): ErrorBody | undefined {
  const known = FASTIFY_ERRORS[error.code];
  if (known) return known(request);
  const status = error.statusCode ?? 500;
  return status >= 400 && status < 500 ? body(CODE_BY_STATUS[status] ?? 'VALIDATION_FAILED', error.message) : undefined;
}

/**
 * Fastify's `frameworkErrors`: a malformed URL (400) or an over-long path parameter (414), found
 * by the router before any hook or Nest's error handler runs. The security headers and the
 * request id that the `onRequest` hooks would add are set here.
 */
export function frameworkErrorsHandler(headers: Record<string, string>) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const answer = fastifyErrorBody(error, request) ?? body('INTERNAL_ERROR', 'Internal error');
    void reply.code(answer.statusCode).headers({ ...headers, 'X-Request-Id': request.id }).send(answer);
  };
}

/** Node's HTTP parser errors, by code. */
function clientErrorBody(error: NodeJS.ErrnoException & { reason?: string }): ErrorBody {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return body('REQUEST_TIMEOUT', `The request did not arrive in full within ${REQUEST_TIMEOUT_MS / 1000} seconds`);
    case 'HPE_HEADER_OVERFLOW':
      return body('HEADERS_TOO_LARGE', `The request line and headers exceed ${maxHeaderSize} bytes`);
    case 'HPE_INVALID_METHOD':
      return body('VALIDATION_FAILED', 'Unknown HTTP method');
    default:
      return body('VALIDATION_FAILED', error.reason ? `Malformed HTTP request: ${error.reason}` : 'Malformed HTTP request');
  }
}

/**
 * Fastify's `clientErrorHandler`: requests Node refuses before Fastify sees them (timeout,
 * headers too large, unknown method, bad framing). Like Node's own handler it answers only
 * when no response has started, then closes the connection.
 */
export function answerClientError(error: NodeJS.ErrnoException & { reason?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const answer = clientErrorBody(error);
    const json = JSON.stringify(answer);
    socket.write(
      `HTTP/1.1 ${answer.statusCode} ${STATUS_CODES[answer.statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}

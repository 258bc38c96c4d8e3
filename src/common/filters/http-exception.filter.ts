import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { DomainException, ERROR_STATUS, ErrorBody, ErrorCode } from '../errors';

interface Mapped {
  body: ErrorBody;
  retryAfterSeconds?: number;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'STORE_UNAVAILABLE',
};

/** Fastify raises these before a route runs (body parsing); each gets a message naming the problem. */
const FASTIFY_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body exceeds 16384 bytes' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'VALIDATION_FAILED', message: 'Content-Type must be application/json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'VALIDATION_FAILED', message: 'Body is empty although Content-Type is application/json; send {} or omit the header' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'VALIDATION_FAILED', message: 'Content-Length does not match the body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'VALIDATION_FAILED', message: 'Body is not valid JSON' },
};

function isFastifyError(error: unknown): error is Error & { code: string; statusCode?: number } {
  return error instanceof Error && typeof (error as unknown as { code?: unknown }).code === 'string' && (error as unknown as { code: string }).code.startsWith('FST_');
}

/**
 * The one place errors become HTTP responses: `{ statusCode, code, message }` with a contract
 * code, `Retry-After` on 429/503. Unknown errors are logged with a correlation id and answered
 * with a generic body, never a stack or an internal message.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof HttpException && isHealthCheckReport(exception.getResponse())) {
      // Health routes answer in terminus's own format (CONTRACT §3), 503 included.
      void reply.status(exception.getStatus()).send(exception.getResponse());
      return;
    }
    const { body, retryAfterSeconds } = this.map(exception);
    if (retryAfterSeconds !== undefined) void reply.header('Retry-After', String(retryAfterSeconds));
    void reply.status(body.statusCode).send(body);
  }

  private map(exception: unknown): Mapped {
    if (exception instanceof DomainException) {
      return {
        body: { statusCode: exception.status, code: exception.code, message: exception.detail },
        retryAfterSeconds: exception.retryAfterSeconds,
      };
    }
    if (exception instanceof HttpException) return this.mapHttpException(exception);
    if (isFastifyError(exception)) return this.mapFastifyError(exception);
    if (exception instanceof SyntaxError) return error('VALIDATION_FAILED', 'Body is not valid JSON');
    const correlationId = randomUUID();
    this.logger.error({ err: exception, correlationId }, 'Unhandled error');
    return error('INTERNAL_ERROR', `Internal error (correlation id ${correlationId})`);
  }

  private mapHttpException(exception: HttpException): Mapped {
    const status = exception.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED');
    if (code === 'NOT_FOUND') return error(code, 'Route not found');
    if (code === 'PAYLOAD_TOO_LARGE') return error(code, FASTIFY_ERRORS.FST_ERR_CTP_BODY_TOO_LARGE.message);
    const response = exception.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? (response as { message: string | string[] }).message
        : exception.message;
    return { body: { statusCode: ERROR_STATUS[code] === status ? status : ERROR_STATUS[code], code, message } };
  }

  private mapFastifyError(exception: Error & { code: string; statusCode?: number }): Mapped {
    const known = FASTIFY_ERRORS[exception.code];
    if (known) return error(known.code, known.message);
    const status = exception.statusCode ?? 500;
    if (status >= 400 && status < 500) return error(CODE_BY_STATUS[status] ?? 'VALIDATION_FAILED', exception.message);
    const correlationId = randomUUID();
    this.logger.error({ err: exception, correlationId }, 'Unhandled framework error');
    return error('INTERNAL_ERROR', `Internal error (correlation id ${correlationId})`);
  }
}

function isHealthCheckReport(response: unknown): boolean {
  return typeof response === 'object' && response !== null && 'status' in response && 'details' in response;
}

function error(code: ErrorCode, message: string | string[]): Mapped {
  return { body: { statusCode: ERROR_STATUS[code], code, message } };
}

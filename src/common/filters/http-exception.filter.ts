import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { BODY_LIMIT_BYTES } from '../http-limits';
import { CODE_BY_STATUS, DomainException, ERROR_STATUS, ErrorBody, ErrorCode } from '../errors';
import { fastifyErrorBody, isFastifyError } from './framework-errors';

interface Mapped {
  body: ErrorBody;
  retryAfterSeconds?: number;
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
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    if (exception instanceof HttpException && isHealthCheckReport(exception.getResponse())) {
      // Health routes answer in terminus's own format (CONTRACT §3), 503 included.
      void reply.status(exception.getStatus()).send(exception.getResponse());
      return;
    }
    // Routing first: an unknown route is 404 whatever is wrong with its body.
    const { body, retryAfterSeconds } = request?.is404 ? error('NOT_FOUND', 'Route not found') : this.map(exception, request);
    if (retryAfterSeconds !== undefined) void reply.header('Retry-After', String(retryAfterSeconds));
    void reply.status(body.statusCode).send(body);
  }

  private map(exception: unknown, request: FastifyRequest): Mapped {
    if (exception instanceof DomainException) {
      return {
        body: { statusCode: exception.status, code: exception.code, message: exception.detail },
        retryAfterSeconds: exception.retryAfterSeconds,
      };
    }
    // Nest's Fastify adapter wraps a 4xx Fastify error in an HttpException; its code is the cause's.
    if (exception instanceof HttpException && isFastifyError(exception.cause)) return this.mapFastifyError(exception.cause, request);
    if (exception instanceof HttpException) return this.mapHttpException(exception);
    if (isFastifyError(exception)) return this.mapFastifyError(exception, request);
    if (exception instanceof SyntaxError) return error('VALIDATION_FAILED', 'Body is not valid JSON');
    // The client went away mid-body (or was cut off by the request timeout): not a server fault,
    // and nobody is left to read the answer.
    if ((exception as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET') return error('VALIDATION_FAILED', 'The request was aborted');
    const correlationId = randomUUID();
    this.logger.error({ err: exception, correlationId }, 'Unhandled error');
    return error('INTERNAL_ERROR', `Internal error (correlation id ${correlationId})`);
  }

  private mapHttpException(exception: HttpException): Mapped {
    const status = exception.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED');
    if (code === 'NOT_FOUND') return error(code, 'Route not found');
    if (code === 'PAYLOAD_TOO_LARGE') return error(code, `Request body exceeds ${BODY_LIMIT_BYTES} bytes`);
    const response = exception.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? (response as { message: string | string[] }).message
        : exception.message;
    return { body: { statusCode: ERROR_STATUS[code] === status ? status : ERROR_STATUS[code], code, message } };
  }

  private mapFastifyError(exception: FastifyError, request: FastifyRequest): Mapped {
    const body = fastifyErrorBody(exception, request);
    if (body) return { body };
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

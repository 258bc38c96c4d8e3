import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../tickets/dto/ticket-responses.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION_FAILED: the body or query is malformed; the message names each field',
  401: 'UNAUTHORIZED: missing, malformed, expired or wrongly signed bearer token',
  403: 'FORBIDDEN: the token lacks a required permission',
  404: 'TICKET_NOT_FOUND: unknown, expired, used, or not yours',
  413: 'PAYLOAD_TOO_LARGE: body over 16 KiB',
  429: 'RATE_LIMITED or TOO_MANY_ACTIVE_TICKETS (with Retry-After)',
  503: 'STORE_UNAVAILABLE: the ticket store is unreachable (with Retry-After)',
};

/** One `@ApiResponse` per error status a route can answer, all with the shared error body. */
export function ApiErrorResponses(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponseDto })),
  );
}

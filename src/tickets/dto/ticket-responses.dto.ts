import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class IssuedTicketDto {
  @ApiProperty({ example: 'tkt_3q2-7wE9c1d0mN4kz8JpXvYbQeR5sT6uV7wX8yZaB1C' })
  ticket: string;

  @ApiProperty({ example: '2026-11-22T23:05:00.000Z' })
  expiresAt: string;

  @ApiProperty({ example: 300 })
  ttlSeconds: number;

  @ApiProperty({ example: 'alice' })
  userId: string;

  @ApiProperty({ example: ['chat:read'], type: [String] })
  permissions: string[];
}

export class ValidatedTicketDto {
  @ApiProperty({ example: true, description: 'false for unknown, expired, revoked or used tickets (then no other field)' })
  valid: boolean;

  @ApiPropertyOptional({ example: 'alice' })
  userId?: string;

  @ApiPropertyOptional({ example: 'alice@example.com' })
  email?: string;

  @ApiPropertyOptional({ example: ['chat:read'], type: [String] })
  permissions?: string[];

  @ApiPropertyOptional({ example: { room: 'lobby' }, type: 'object', additionalProperties: true })
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ example: '2026-11-22T23:00:00.000Z' })
  issuedAt?: string;

  @ApiPropertyOptional({ example: '2026-11-22T23:05:00.000Z' })
  expiresAt?: string;
}

export class RevokeAllResultDto {
  @ApiProperty({ example: 3 })
  revoked: number;

  @ApiProperty({ example: 1 })
  disconnected: number;
}

export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'VALIDATION_FAILED' })
  code: string;

  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: ['ttlSeconds must be an integer'] })
  message: string | string[];
}

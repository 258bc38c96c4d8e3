import type { JsonWebKey } from 'node:crypto';
import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsString,
  Length,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation/optional-not-null.decorator';

export const MAX_TICKET_PERMISSIONS = 32;
export const MAX_METADATA_BYTES = 1024;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A plain JSON object whose serialized form is at most `maxBytes` bytes. */
function IsSmallJsonObject(maxBytes: number): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSmallJsonObject',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) =>
          isPlainObject(value) && Buffer.byteLength(JSON.stringify(value), 'utf8') <= maxBytes,
        defaultMessage: ({ property, value }: ValidationArguments) =>
          isPlainObject(value)
            ? `${property} must serialize to at most ${maxBytes} bytes of JSON`
            : `${property} must be a JSON object`,
      },
    });
}

const BASE64URL_COORDINATE = /^[A-Za-z0-9_-]{43}$/;

/** An ECDSA P-256 public key as a JWK: `kty` EC, `crv` P-256, `x` and `y`, and no private part. */
function IsP256PublicJwk(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isP256PublicJwk',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) =>
          isPlainObject(value) &&
          value.kty === 'EC' &&
          value.crv === 'P-256' &&
          typeof value.x === 'string' &&
          BASE64URL_COORDINATE.test(value.x) &&
          typeof value.y === 'string' &&
          BASE64URL_COORDINATE.test(value.y) &&
          value.d === undefined &&
          Buffer.byteLength(JSON.stringify(value), 'utf8') <= 512,
        defaultMessage: ({ property, value }: ValidationArguments) =>
          isPlainObject(value) && value.d !== undefined
            ? `${property} must not contain a private key (d)`
            : `${property} must be an ECDSA P-256 public JWK ({ kty: "EC", crv: "P-256", x, y })`,
      },
    });
}

/** Body of Generate. Every field is optional; `null` is refused (omit the field instead). */
export class CreateTicketDto {
  @ApiPropertyOptional({ description: 'Lifetime in seconds, within the configured bounds', example: 300 })
  @IsOptionalNotNull()
  @IsInt({ message: 'ttlSeconds must be an integer' })
  ttlSeconds?: number;

  @ApiPropertyOptional({
    description: `Subset of the caller's permissions (at most ${MAX_TICKET_PERMISSIONS}); omitted means all of them`,
    example: ['chat:read'],
    type: [String],
  })
  @IsOptionalNotNull()
  @IsArray({ message: 'permissions must be an array of strings' })
  @ArrayMaxSize(MAX_TICKET_PERMISSIONS, { message: `permissions may hold at most ${MAX_TICKET_PERMISSIONS} entries` })
  @IsString({ each: true, message: 'each permission must be a string' })
  @Length(1, 64, { each: true, message: 'each permission must be 1 to 64 characters long' })
  permissions?: string[];

  @ApiPropertyOptional({
    description: `Free-form JSON object returned on validation (at most ${MAX_METADATA_BYTES} bytes)`,
    example: { room: 'lobby' },
    type: 'object',
    additionalProperties: true,
  })
  @IsOptionalNotNull()
  @IsSmallJsonObject(MAX_METADATA_BYTES)
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'ECDSA P-256 public key (JWK) that binds the ticket to its holder',
    example: { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' },
    type: 'object',
    additionalProperties: true,
  })
  @IsOptionalNotNull()
  @IsP256PublicJwk()
  publicKey?: JsonWebKey;
}

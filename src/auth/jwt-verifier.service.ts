import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import jwt from 'jsonwebtoken';
import { jwtConfig } from '../config';
import { AuthenticatedUser, userFromClaims } from './authenticated-user';
import { JwtKeyResolver, KeyResolutionError } from './jwt-key.resolver';
import { VerifiedTokenCache } from './verified-token.cache';

/** Why a token was refused; `expired` is told apart so clients can refresh instead of re-login. */
export class TokenRejectedError extends Error {
  constructor(
    readonly kind: 'invalid' | 'expired',
    message: string,
  ) {
    super(message);
    this.name = 'TokenRejectedError';
  }
}

/** Longest token accepted; anything longer is refused before parsing. */
export const MAX_TOKEN_LENGTH = 8_192;

/**
 * Verifies a JWT against the configured keys, issuer and audience and maps it to a user.
 * Shared by the HTTP strategy and the socket handshake, so both accept exactly the same tokens.
 */
@Injectable()
export class JwtVerifier {
  constructor(
    private readonly keys: JwtKeyResolver,
    @Inject(jwtConfig.KEY) private readonly config: ConfigType<typeof jwtConfig>,
    private readonly verified: VerifiedTokenCache,
  ) {}

  /** Options for `jsonwebtoken.verify`, also handed to passport-jwt. */
  get verifyOptions(): jwt.VerifyOptions {
    return {
      algorithms: this.keys.algorithms,
      ...(this.config.issuer ? { issuer: this.config.issuer } : {}),
      ...(this.config.audience ? { audience: this.config.audience as [string, ...string[]] } : {}),
    };
  }

  /** Resolves the key for a raw token from its header. */
  async keyFor(token: string): Promise<import('node:crypto').KeyObject> {
    const sole = this.keys.soleKey;
    if (sole) return sole;
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.header !== 'object') throw new KeyResolutionError('token is malformed');
    return this.keys.resolve(decoded.header);
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejectedError('invalid', 'token is too long');
    const known = this.verified.get(token);
    if (known) return known;
    let claims: jwt.JwtPayload | string;
    try {
      const key = await this.keyFor(token);
      claims = jwt.verify(token, key, this.verifyOptions);
    } catch (error) {
      throw toRejection(error);
    }
    if (typeof claims === 'string') throw new TokenRejectedError('invalid', 'token payload is not a JSON object');
    const user = userFromClaims(claims);
    if (typeof user === 'string') throw new TokenRejectedError('invalid', user);
    return this.verified.remember(token, user);
  }
}

/** Maps jsonwebtoken's and our own errors to a client-safe rejection. */
export function toRejection(error: unknown): TokenRejectedError {
  if (error instanceof TokenRejectedError) return error;
  if (error instanceof jwt.TokenExpiredError) return new TokenRejectedError('expired', 'token has expired');
  if (error instanceof jwt.NotBeforeError) return new TokenRejectedError('invalid', 'token is not valid yet');
  if (error instanceof KeyResolutionError) return new TokenRejectedError('invalid', error.message);
  if (error instanceof jwt.JsonWebTokenError) return new TokenRejectedError('invalid', error.message);
  return new TokenRejectedError('invalid', 'token could not be verified');
}

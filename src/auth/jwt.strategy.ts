import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AuthenticatedUser, userFromClaims } from './authenticated-user';
import { JwtVerifier, TokenRejectedError } from './jwt-verifier.service';

/** Where HTTP requests carry their JWT: `Authorization: Bearer <JWT>` (the scheme in any case). */
export const bearerTokenOf = ExtractJwt.fromAuthHeaderAsBearerToken();

/** passport-jwt strategy for `Authorization: Bearer <JWT>`, using the verifier's keys and rules. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(verifier: JwtVerifier) {
    super({
      jwtFromRequest: bearerTokenOf,
      ignoreExpiration: false,
      algorithms: verifier.verifyOptions.algorithms,
      issuer: verifier.verifyOptions.issuer as string | undefined,
      audience: verifier.verifyOptions.audience as string[] | undefined,
      secretOrKeyProvider: (_request: unknown, rawJwt: string, done: (error: unknown, key?: string) => void) => {
        verifier.keyFor(rawJwt).then(
          // jsonwebtoken takes a KeyObject (the fast path) though passport-jwt's types say string.
          (key) => done(null, key as unknown as string),
          (error: unknown) => done(error),
        );
      },
    });
  }

  validate(claims: Record<string, unknown>): AuthenticatedUser {
    const user = userFromClaims(claims);
    if (typeof user === 'string') throw new TokenRejectedError('invalid', user);
    return user;
  }
}

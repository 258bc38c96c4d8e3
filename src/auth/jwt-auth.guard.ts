import { ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { AuthGuard, AuthModuleOptions } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedException } from '../common/errors';
import type { AuthenticatedUser } from './authenticated-user';
import { MAX_TOKEN_LENGTH, toRejection } from './jwt-verifier.service';
import { bearerTokenOf } from './jwt.strategy';
import { VerifiedTokenCache } from './verified-token.cache';

type UserRequest = FastifyRequest & { user?: AuthenticatedUser };

/**
 * Requires a valid bearer JWT and puts the user on `request.user`. Every refusal is a 401 whose
 * message says what is wrong (missing, malformed, expired, badly signed) without echoing it.
 * A token that verified within the last minute and has not expired is taken from
 * `VerifiedTokenCache` without going through passport again.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly verified: VerifiedTokenCache,
    @Optional() options?: AuthModuleOptions,
  ) {
    super(options);
  }

  override canActivate(context: ExecutionContext) {
    const request = context.switchToHttp().getRequest<UserRequest>();
    const header = request.headers.authorization;
    if (header === undefined) throw new UnauthorizedException('Missing bearer token: send Authorization: Bearer <JWT>');
    if (header.length > MAX_TOKEN_LENGTH + 16) throw new UnauthorizedException('Invalid token: token is too long');
    const token = bearerTokenOf(request);
    const known = token ? this.verified.get(token) : undefined;
    if (known) {
      request.user = known;
      return true;
    }
    return super.canActivate(context);
  }

  override handleRequest<TUser = AuthenticatedUser>(error: unknown, user: TUser | false, info: unknown, context: ExecutionContext): TUser {
    if (user) {
      const token = bearerTokenOf(context.switchToHttp().getRequest<UserRequest>());
      return token ? (this.verified.remember(token, user as unknown as AuthenticatedUser) as TUser) : user;
    }
    const cause = error ?? info;
    if (cause instanceof Error && cause.message === 'No auth token') {
      throw new UnauthorizedException('Malformed Authorization header: expected Bearer <JWT>');
    }
    const rejection = toRejection(cause);
    throw new UnauthorizedException(rejection.kind === 'expired' ? 'Token has expired' : `Invalid token: ${rejection.message}`);
  }
}

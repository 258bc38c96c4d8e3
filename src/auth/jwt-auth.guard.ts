import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedException } from '../common/errors';
import type { AuthenticatedUser } from './authenticated-user';
import { MAX_TOKEN_LENGTH, toRejection } from './jwt-verifier.service';

/**
 * Requires a valid bearer JWT and puts the user on `request.user`. Every refusal is a 401 whose
 * message says what is wrong (missing, malformed, expired, badly signed) without echoing it.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  override canActivate(context: ExecutionContext) {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    if (header === undefined) throw new UnauthorizedException('Missing bearer token: send Authorization: Bearer <JWT>');
    if (header.length > MAX_TOKEN_LENGTH + 16) throw new UnauthorizedException('Invalid token: token is too long');
    return super.canActivate(context);
  }

  override handleRequest<TUser = AuthenticatedUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (user) return user;
    const cause = error ?? info;
    if (cause instanceof Error && cause.message === 'No auth token') {
      throw new UnauthorizedException('Malformed Authorization header: expected Bearer <JWT>');
    }
    const rejection = toRejection(cause);
    throw new UnauthorizedException(rejection.kind === 'expired' ? 'Token has expired' : `Invalid token: ${rejection.message}`);
  }
}

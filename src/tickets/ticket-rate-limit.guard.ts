import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainException, RateLimitedException, StoreUnavailableException } from '../common/errors';

/**
 * Limits ticket generation per user (not per address). All three generate routes share one
 * counter, and a storage failure is a 503 rather than an unhandled error. Runs after `JwtAuthGuard`.
 */
@Injectable()
export class TicketRateLimitGuard extends ThrottlerGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      return await super.canActivate(context);
    } catch (error) {
      if (error instanceof DomainException) throw error;
      throw new StoreUnavailableException(error);
    }
  }

  protected override async getTracker(request: { user: AuthenticatedUser }): Promise<string> {
    return `user:${request.user.userId}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `generate:${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new RateLimitedException(
      `At most ${detail.limit} tickets may be generated per minute`,
      detail.timeToBlockExpire,
    );
  }
}

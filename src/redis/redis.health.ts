import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { withTimeout } from '../common/with-timeout';
import { REDIS_CLIENT, RedisClient } from './redis.constants';
import { redisConfigurationProblem } from './redis.factory';

/** Redis replies refusing our credentials, by their first word, as operators should read them. */
const CREDENTIAL_REFUSALS: Record<string, string> = {
  WRONGPASS: 'Redis refused the password (WRONGPASS)',
  NOAUTH: 'Redis requires a password and none was sent (NOAUTH)',
};

/** A short reason for a connection error; Redis' own words never hold the password. */
function connectionFailure(error: Error): string {
  return CREDENTIAL_REFUSALS[error.message.split(' ', 1)[0]] ?? error.message;
}

/**
 * Terminus indicator: up when a PING answers within the timeout. Down, it says why: while the
 * client is not connected, the last connection error (a refused password, a refused
 * connection), which a PING failing fast without a connection would not tell; a configuration problem
 * found by the client (REDIS_URL's database refused) is named first.
 */
@Injectable()
export class RedisHealthIndicator {
  private lastConnectionFailure?: string;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient | null,
    private readonly health: HealthIndicatorService,
  ) {
    redis?.on('error', (error: Error) => (this.lastConnectionFailure = connectionFailure(error)));
    redis?.on('ready', () => (this.lastConnectionFailure = undefined));
  }

  async isHealthy(key = 'redis', timeoutMs = 1_000): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    if (!this.redis) return indicator.down({ message: 'Redis is not configured' });
    const problem = redisConfigurationProblem(this.redis);
    if (problem) return indicator.down({ message: problem });
    try {
      await withTimeout(this.redis.ping(), timeoutMs);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: this.lastConnectionFailure ?? (error instanceof Error ? error.message : 'PING failed') });
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { withTimeout } from '../common/with-timeout';
import { REDIS_CLIENT, RedisClient } from './redis.constants';
import { redisConfigurationProblem } from './redis.factory';

/** Terminus indicator: up when a PING answers within the timeout; down naming a configuration problem. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient | null,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key = 'redis', timeoutMs = 1_000): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    if (!this.redis) return indicator.down({ message: 'Redis is not configured' });
    const problem = redisConfigurationProblem(this.redis);
    if (problem) return indicator.down({ message: problem });
    try {
      await withTimeout(this.redis.ping(), timeoutMs);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : 'PING failed' });
    }
  }
}

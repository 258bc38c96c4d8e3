import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { REDIS_CLIENT, RedisClient } from '../redis/redis.constants';
import { RedisHealthIndicator } from '../redis/redis.health';

/** The ticket store's health: a timed Redis PING (`redis`), or always up for the in-memory store (`store`). */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient | null,
    private readonly redisHealth: RedisHealthIndicator,
    private readonly health: HealthIndicatorService,
  ) {}

  check(): Promise<HealthIndicatorResult> {
    if (this.redis) return this.redisHealth.isHealthy('redis');
    return Promise.resolve(this.health.check('store').up({ kind: 'memory' }));
  }
}

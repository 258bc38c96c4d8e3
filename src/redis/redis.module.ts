import { Global, Inject, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import type { AllConfig } from '../config';
import { REDIS_CLIENT, RedisClient } from './redis.constants';
import { InvalidConfigError } from '../config/env.validation';
import { closeRedisClient, createRedisClient, redisConfigurationProblem, waitForReady } from './redis.factory';
import { RedisHealthIndicator } from './redis.health';

/**
 * Provides the shared ioredis client under `REDIS_CLIENT` (null when no Redis is configured), waits
 * briefly for it at start-up without making Redis a hard dependency, and closes it on shutdown.
 */
@Global()
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>): RedisClient | null => {
        const redis = config.get('redis', { infer: true });
        // Commands issued in the same event-loop turn (many requests' scripts under load) leave
        // in one write(2) instead of one each. Every command is still its own atomic script with
        // its own reply and timeout.
        return redis.mode ? createRedisClient(redis, 'store', {}, { batchWrites: true }) : null;
      },
    },
    RedisHealthIndicator,
  ],
  exports: [REDIS_CLIENT, RedisHealthIndicator],
})
export class RedisModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisModule.name);

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient | null,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.redis) return;
    const { connectTimeoutMs } = this.config.get('redis', { infer: true });
    const ready = await waitForReady(this.redis, connectTimeoutMs);
    // A mistake in REDIS_URL stops start-up like any invalid setting; found later (Redis was
    // unreachable until then), it makes the instance unhealthy instead (RedisHealthIndicator).
    const problem = redisConfigurationProblem(this.redis);
    if (problem) throw new InvalidConfigError([problem]);
    if (!ready) this.logger.warn('Redis is not reachable yet; starting degraded and retrying in the background');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis) await closeRedisClient(this.redis);
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '../config';
import { REDIS_CLIENT, RedisClient } from '../redis/redis.constants';
import { FailedAttemptsStore, MemoryFailedAttempts, RedisFailedAttempts } from './failed-attempts.store';

/**
 * Limits refused socket authentications per client address (`WS_FAILED_HANDSHAKES_PER_MINUTE`),
 * so neither tickets nor JWTs can be guessed through the socket. Counts live in Redis when it
 * is configured, so the limit holds across instances; while Redis does not answer they fall
 * back to this process's memory rather than blocking every handshake or none.
 */
@Injectable()
export class HandshakeRateLimiter {
  private readonly logger = new Logger(HandshakeRateLimiter.name);
  private readonly shared?: FailedAttemptsStore;
  private readonly local = new MemoryFailedAttempts();
  private readonly limit: number;
  private sharedFailing = false;

  constructor(@Inject(REDIS_CLIENT) redis: RedisClient | null, config: ConfigService<AllConfig, true>) {
    this.limit = config.get('ws.failedHandshakesPerMinute', { infer: true });
    if (redis) this.shared = new RedisFailedAttempts(redis, config.get('redis.keyPrefix', { infer: true }));
  }

  /** True when `address` used up its failures for the current minute. */
  async isLimited(address: string): Promise<boolean> {
    return (await this.withStore((store) => store.count(address))) >= this.limit;
  }

  /** Counts one refused attempt from `address`. */
  async recordFailure(address: string): Promise<void> {
    const failures = await this.withStore((store) => store.increment(address));
    if (failures === this.limit) {
      this.logger.warn({ event: 'ws.rate_limited', address, limit: this.limit }, 'Too many refused socket authentications from one address');
    }
  }

  private async withStore(operation: (store: FailedAttemptsStore) => Promise<number>): Promise<number> {
    if (this.shared) {
      try {
        const result = await operation(this.shared);
        if (this.sharedFailing) this.logger.log('Counting failed socket authentications in Redis again');
        this.sharedFailing = false;
        return result;
      } catch (error) {
        if (!this.sharedFailing) {
          this.logger.warn(`Redis unavailable for failed-handshake counts, counting in memory: ${error instanceof Error ? error.message : String(error)}`);
        }
        this.sharedFailing = true;
      }
    }
    return operation(this.local);
  }
}

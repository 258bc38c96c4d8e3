import { createHash } from 'node:crypto';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { RedisClient } from '../redis/redis.constants';

interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/** KEYS: counter. ARGV: windowMs. A fixed window: the first hit starts it. */
const INCREMENT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {hits, redis.call('PTTL', KEYS[1])}
`;

/**
 * `@nestjs/throttler` storage on Redis, so a per-user limit holds across every instance.
 * (@nest-lab/throttler-storage-redis, the usual choice, does not yet accept Nest 12 as a peer.)
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly redis: RedisClient & { throttlerIncrement(key: string, windowMs: number): Promise<[number, number]> };

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
  ) {
    redis.defineCommand('throttlerIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    this.redis = redis as typeof this.redis;
  }

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const digest = createHash('sha256').update(key).digest('base64url');
    const [totalHits, pttl] = await this.redis.throttlerIncrement(`${this.prefix}rate:{${digest}}`, ttl);
    const secondsLeft = Math.max(1, Math.ceil(Math.max(pttl, 0) / 1000));
    const isBlocked = totalHits > limit;
    return { totalHits, timeToExpire: secondsLeft, isBlocked, timeToBlockExpire: isBlocked ? secondsLeft : 0 };
  }
}

import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/redis.constants';

/** Counts failed attempts per client address in fixed one-minute windows. */
export interface FailedAttemptsStore {
  /** Failures recorded for `address` in its current window. */
  count(address: string): Promise<number>;
  /** Records one failure and returns the window's new total. */
  increment(address: string): Promise<number>;
}

export const FAILED_ATTEMPTS_WINDOW_MS = 60_000;

/** Addresses tracked at most; beyond that the map is cleared rather than grown (fail open). */
const MAX_TRACKED_ADDRESSES = 100_000;

/** One process's counts: for single-instance deployments, and while Redis is unreachable. */
export class MemoryFailedAttempts implements FailedAttemptsStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async count(address: string): Promise<number> {
    const window = this.windows.get(address);
    return window && window.resetAt > this.now() ? window.count : 0;
  }

  async increment(address: string): Promise<number> {
    const now = this.now();
    let window = this.windows.get(address);
    if (!window || window.resetAt <= now) {
      if (this.windows.size >= MAX_TRACKED_ADDRESSES) this.sweep(now);
      window = { count: 0, resetAt: now + FAILED_ATTEMPTS_WINDOW_MS };
      this.windows.set(address, window);
    }
    window.count += 1;
    return window.count;
  }

  private sweep(now: number): void {
    for (const [address, window] of this.windows) {
      if (window.resetAt <= now) this.windows.delete(address);
    }
    if (this.windows.size >= MAX_TRACKED_ADDRESSES) this.windows.clear();
  }
}

/** KEYS: counter. ARGV: windowMs. The first failure opens the window. */
const INCREMENT_SCRIPT = `
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return failures
`;

/** Counts shared by every instance, so an address cannot spread its guesses across them. */
export class RedisFailedAttempts implements FailedAttemptsStore {
  private readonly redis: RedisClient & { wsFailedAttemptsIncrement(key: string, windowMs: number): Promise<number> };

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
  ) {
    redis.defineCommand('wsFailedAttemptsIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    this.redis = redis as typeof this.redis;
  }

  async count(address: string): Promise<number> {
    return Number((await this.redis.get(this.key(address))) ?? 0);
  }

  increment(address: string): Promise<number> {
    return this.redis.wsFailedAttemptsIncrement(this.key(address), FAILED_ATTEMPTS_WINDOW_MS);
  }

  private key(address: string): string {
    return `${this.prefix}ws:failed:{${createHash('sha256').update(address).digest('base64url')}}`;
  }
}

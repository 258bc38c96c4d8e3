import { hash } from 'node:crypto';
import type { RedisClient } from '../redis/redis.constants';

/** The window of one address after a failure was recorded. */
export interface FailureWindow {
  /** Failures recorded in the current window, the new one included. */
  failures: number;
  /** Milliseconds until the window closes and the count starts again. */
  resetInMs: number;
}

/** Counts failed attempts per client address in fixed one-minute windows. */
export interface FailedAttemptsStore {
  /** Records one failure of `address`. */
  increment(address: string): Promise<FailureWindow>;
}

export const FAILED_ATTEMPTS_WINDOW_MS = 60_000;

/** Addresses tracked at most; beyond that the map is cleared rather than grown (fail open). */
const MAX_TRACKED_ADDRESSES = 100_000;

/** One process's counts: for single-instance deployments, and while Redis is unreachable. */
export class MemoryFailedAttempts implements FailedAttemptsStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async increment(address: string): Promise<FailureWindow> {
    const now = this.now();
    let window = this.windows.get(address);
    if (!window || window.resetAt <= now) {
      if (this.windows.size >= MAX_TRACKED_ADDRESSES) this.sweep(now);
      window = { count: 0, resetAt: now + FAILED_ATTEMPTS_WINDOW_MS };
      this.windows.set(address, window);
    }
    window.count += 1;
    return { failures: window.count, resetInMs: window.resetAt - now };
  }

  private sweep(now: number): void {
    for (const [address, window] of this.windows) {
      if (window.resetAt <= now) this.windows.delete(address);
    }
    if (this.windows.size >= MAX_TRACKED_ADDRESSES) this.windows.clear();
  }
}

/** KEYS: counter. ARGV: windowMs. The first failure opens the window. Returns { failures, ms left }. */
const INCREMENT_SCRIPT = `
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return { failures, left }
`;

/** Counts shared by every instance, so an address cannot spread its guesses across them. */
export class RedisFailedAttempts implements FailedAttemptsStore {
  private readonly redis: RedisClient & { wsFailedAttemptsIncrement(key: string, windowMs: number): Promise<[number, number]> };

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
  ) {
    redis.defineCommand('wsFailedAttemptsIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    this.redis = redis as typeof this.redis;
  }

  async increment(address: string): Promise<FailureWindow> {
    const [failures, resetInMs] = await this.redis.wsFailedAttemptsIncrement(this.key(address), FAILED_ATTEMPTS_WINDOW_MS);
    return { failures, resetInMs };
  }

  private key(address: string): string {
    return `${this.prefix}ws:failed:{${hash('sha256', address, 'base64url')}}`;
  }
}

/** How the client retries: requests to the ticket endpoint and refused or failed connection attempts. */
export interface RetryOptions {
  /** Attempts per ticket request, the first included (default 4). */
  maxAttempts: number;
  /** First backoff step in ms (default 500); each further attempt doubles it. */
  baseDelayMs: number;
  /**
   * Longest wait in ms (default 30 000). A `Retry-After` longer than this is not waited out
   * inside one request: the request fails at once, carrying `retryAfterMs`.
   */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Exponential backoff with "equal jitter": attempt n (from 0) waits between half and all of
 * `min(maxDelayMs, baseDelayMs * 2^n)`, so clients refused together do not come back together,
 * and none comes back at once.
 */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * The wait before retry `attempt`: the backoff, or when the server sent `Retry-After`, never
 * less than that (plus up to one base step of jitter, to spread the clients it told the same).
 */
export function retryDelay(attempt: number, options: RetryOptions, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs === undefined) return backoffDelay(attempt, options, random);
  return Math.max(retryAfterMs + Math.round(random() * options.baseDelayMs), backoffDelay(attempt, options, random));
}

/** A random delay in [0, 4 × base): spreads the reconnects of every client an instance let go at once. */
export function spreadDelay(options: RetryOptions, random: () => number = Math.random): number {
  return Math.round(random() * 4 * options.baseDelayMs);
}

/** `Retry-After` in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its day and month; Date.parse would also take "-5" (as a year).
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`; the timer is the global one, so fake timers drive it in tests. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

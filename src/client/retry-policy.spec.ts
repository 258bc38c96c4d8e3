import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, retryDelay, spreadDelay } from './retry-policy';

const options = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

describe('retry policy', () => {
  it('doubles the backoff ceiling per attempt, up to maxDelayMs, with jitter between half and all of it', () => {
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options, () => 1))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options, () => 0))).toEqual([250, 500, 1000, 2000, 4000, 4000]);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(2, options);
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });

  it('never waits less than Retry-After, and spreads the clients told the same by up to one base step', () => {
    expect(retryDelay(0, options, 3_000, () => 0)).toBe(3_000);
    expect(retryDelay(0, options, 3_000, () => 1)).toBe(3_500);
    // A Retry-After shorter than the backoff does not shorten the backoff.
    expect(retryDelay(4, options, 1_000, () => 1)).toBe(8_000);
    expect(retryDelay(1, options, undefined, () => 1)).toBe(1_000);
  });

  it('parses Retry-After as delta-seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('spreads reconnects after a shutdown over [0, 4 × base)', () => {
    expect(spreadDelay(DEFAULT_RETRY, () => 0)).toBe(0);
    expect(spreadDelay(DEFAULT_RETRY, () => 0.999)).toBe(1_998);
  });
});

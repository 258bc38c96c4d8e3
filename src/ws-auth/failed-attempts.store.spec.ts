import { FAILED_ATTEMPTS_WINDOW_MS, MemoryFailedAttempts } from './failed-attempts.store';

describe('MemoryFailedAttempts', () => {
  it('counts per address in a window opened by the first failure', async () => {
    let now = 0;
    const store = new MemoryFailedAttempts(() => now);
    expect(await store.increment('a')).toEqual({ failures: 1, resetInMs: FAILED_ATTEMPTS_WINDOW_MS });
    now = 1_000;
    expect(await store.increment('a')).toEqual({ failures: 2, resetInMs: FAILED_ATTEMPTS_WINDOW_MS - 1_000 });
    expect(await store.increment('b')).toEqual({ failures: 1, resetInMs: FAILED_ATTEMPTS_WINDOW_MS });
    now = FAILED_ATTEMPTS_WINDOW_MS;
    expect(await store.increment('a')).toEqual({ failures: 1, resetInMs: FAILED_ATTEMPTS_WINDOW_MS });
  });
});

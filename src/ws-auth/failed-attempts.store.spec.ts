import { FAILED_ATTEMPTS_WINDOW_MS, MemoryFailedAttempts } from './failed-attempts.store';

describe('MemoryFailedAttempts', () => {
  it('counts per address in a window opened by the first failure', async () => {
    let now = 0;
    const store = new MemoryFailedAttempts(() => now);
    expect(await store.increment('a')).toBe(1);
    expect(await store.increment('a')).toBe(2);
    expect(await store.count('b')).toBe(0);
    now = FAILED_ATTEMPTS_WINDOW_MS - 1;
    expect(await store.count('a')).toBe(2);
    now = FAILED_ATTEMPTS_WINDOW_MS;
    expect(await store.count('a')).toBe(0);
    expect(await store.increment('a')).toBe(1);
  });
});

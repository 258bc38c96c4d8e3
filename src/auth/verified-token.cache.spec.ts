import type { AuthenticatedUser } from './authenticated-user';
import { VERIFIED_TOKEN_MAX_AGE_MS, VerifiedTokenCache } from './verified-token.cache';

const cacheOf = (verifyCacheSize = 1_000) => new VerifiedTokenCache({ verifyCacheSize } as ConstructorParameters<typeof VerifiedTokenCache>[0]);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const userExpiringIn = (seconds: number | null): AuthenticatedUser => ({
  userId: 'alice',
  permissions: ['chat:read'],
  tokenExpiresAt: seconds === null ? null : nowSeconds() + seconds,
});

async function lookups(cache: VerifiedTokenCache): Promise<Record<string, number>> {
  const { values } = await cache.prometheusMetrics()[0].get();
  return Object.fromEntries(values.map(({ labels, value }) => [String(labels.result), value]));
}

describe('VerifiedTokenCache', () => {
  afterEach(() => jest.useRealTimers());

  it('gives back the user of a token that verified, for that token only, and counts hits and misses', async () => {
    const cache = cacheOf();
    expect(cache.get('token-a')).toBeUndefined();
    const remembered = cache.remember('token-a', userExpiringIn(600));
    expect(cache.get('token-a')).toBe(remembered);
    expect(cache.get('token-b')).toBeUndefined();
    expect(await lookups(cache)).toEqual({ hit: 1, miss: 2 });
  });

  it('hands out frozen users, so no request can change what the next one sees', () => {
    const cache = cacheOf();
    const user = cache.remember('token-a', userExpiringIn(600));
    expect(() => user.permissions.push('tickets:admin')).toThrow(TypeError);
    expect(() => Object.assign(user, { userId: 'mallory' })).toThrow(TypeError);
    expect(cache.get('token-a')).toEqual({ userId: 'alice', permissions: ['chat:read'], tokenExpiresAt: expect.any(Number) });
  });

  it('never serves a token from the second its exp names', () => {
    const cache = cacheOf();
    const user = cache.remember('token-a', userExpiringIn(30));
    const now = jest.spyOn(Date, 'now').mockReturnValue(user.tokenExpiresAt! * 1000 - 1);
    expect(cache.get('token-a')).toBe(user);
    now.mockReturnValue(user.tokenExpiresAt! * 1000);
    expect(cache.get('token-a')).toBeUndefined();
    now.mockRestore();
    // Dropped, not merely skipped: back on the real clock it is still gone.
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('does not remember a token that has already expired', () => {
    const cache = cacheOf();
    cache.remember('token-a', { ...userExpiringIn(0), tokenExpiresAt: nowSeconds() - 1 });
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('trusts a token without exp again only for a minute', () => {
    jest.useFakeTimers();
    const cache = cacheOf();
    const user = cache.remember('token-a', userExpiringIn(null));
    jest.advanceTimersByTime(VERIFIED_TOKEN_MAX_AGE_MS - 1_000);
    expect(cache.get('token-a')).toBe(user);
    jest.advanceTimersByTime(2_000);
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('holds at most its configured number of tokens, dropping the least recently used', () => {
    const cache = cacheOf(2);
    cache.remember('token-a', userExpiringIn(600));
    cache.remember('token-b', userExpiringIn(600));
    cache.get('token-a');
    cache.remember('token-c', userExpiringIn(600));
    expect(cache.get('token-a')).toBeDefined();
    expect(cache.get('token-b')).toBeUndefined();
    expect(cache.get('token-c')).toBeDefined();
  });

  it('remembers nothing and counts nothing when its size is 0', async () => {
    const cache = cacheOf(0);
    const user = userExpiringIn(600);
    expect(cache.remember('token-a', user)).toBe(user);
    expect(cache.get('token-a')).toBeUndefined();
    expect(await lookups(cache)).toEqual({ hit: 0, miss: 0 });
  });
});

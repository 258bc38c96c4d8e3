import { jwtConfig } from './jwt.config';
import { ticketsConfig } from './tickets.config';
import { InvalidConfigError, splitList } from './env.validation';

function withEnv<T>(env: Record<string, string | undefined>, fn: () => T): T {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  try {
    return fn();
  } finally {
    process.env = saved;
  }
}

describe('configuration', () => {
  it('uses contract defaults for tickets', () => {
    expect(withEnv({}, () => ticketsConfig())).toEqual({
      defaultTtlSeconds: 300,
      minTtlSeconds: 30,
      maxTtlSeconds: 3600,
      maxActivePerUser: 20,
      rateLimitPerMinute: 60,
    });
  });

  it('treats an empty value as unset', () => {
    expect(withEnv({ TICKET_TTL_DEFAULT_SECONDS: '' }, () => ticketsConfig()).defaultTtlSeconds).toBe(300);
  });

  it('names every bad setting at once', () => {
    try {
      withEnv({ TICKET_TTL_MIN_SECONDS: 'x', TICKET_MAX_ACTIVE_PER_USER: '0' }, () => ticketsConfig());
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect((error as Error).message).toMatch(/TICKET_TTL_MIN_SECONDS=.*TICKET_MAX_ACTIVE_PER_USER=/);
    }
  });

  it('falls back to the development secret outside production only', () => {
    expect(withEnv({ NODE_ENV: undefined, JWT_SECRET: undefined, JWT_PUBLIC_KEY: undefined, JWKS_URI: undefined }, () => jwtConfig())).toMatchObject({ usingDevelopmentSecret: true });
    expect(() => withEnv({ NODE_ENV: 'production', JWT_SECRET: undefined, JWT_PUBLIC_KEY: undefined, JWKS_URI: undefined }, () => jwtConfig())).toThrow(/JWT_SECRET/);
  });

  it('remembers 1,000 verified tokens unless JWT_VERIFY_CACHE_SIZE says otherwise (0 turns it off)', () => {
    expect(withEnv({ JWT_VERIFY_CACHE_SIZE: undefined }, () => jwtConfig()).verifyCacheSize).toBe(1_000);
    expect(withEnv({ JWT_VERIFY_CACHE_SIZE: '0' }, () => jwtConfig()).verifyCacheSize).toBe(0);
    for (const bad of ['-1', '1.5', 'lots', '100001']) {
      expect(() => withEnv({ JWT_VERIFY_CACHE_SIZE: bad }, () => jwtConfig())).toThrow(/JWT_VERIFY_CACHE_SIZE=/);
    }
  });

  it('splits comma-separated lists', () => {
    expect(splitList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(splitList(undefined)).toEqual([]);
  });
});

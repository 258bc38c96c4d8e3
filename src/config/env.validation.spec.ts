import { jwtConfig } from './jwt.config';
import { redisConfig } from './redis.config';
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

  it('quotes a bad value as written, but never a secret or the password in a URL', () => {
    expect(() => withEnv({ TICKET_TTL_MIN_SECONDS: 'eighty' }, () => ticketsConfig())).toThrow('TICKET_TTL_MIN_SECONDS="eighty"');
    expect(() => withEnv({ JWT_SECRET: 'short-secret-value' }, () => jwtConfig())).toThrow(/JWT_SECRET=\(hidden\) \(JWT_SECRET must be at least 32 characters\)/);
    let message = '';
    try {
      withEnv({ REDIS_URL: 'http://:hunter2@redis:6379' }, () => redisConfig());
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('REDIS_URL="http://***@redis:6379"');
    expect(message).not.toContain('hunter2');
  });

  it('refuses a REDIS_URL that does not parse without repeating it', () => {
    for (const url of ['redis://:pa#ss@127.0.0.1:6379', 'redis://:hunter2@host:99999']) {
      let message = '';
      try {
        withEnv({ REDIS_URL: url }, () => redisConfig());
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidConfigError);
        message = (error as Error).message;
      }
      expect(message).toMatch(/REDIS_URL is not a valid URL/);
      expect(message).not.toMatch(/pa#ss|hunter2/);
    }
  });

  it('splits comma-separated lists', () => {
    expect(splitList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(splitList(undefined)).toEqual([]);
  });
});

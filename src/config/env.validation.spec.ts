import { generateKeyPairSync } from 'node:crypto';
import { appConfig } from './app.config';
import { jwtConfig } from './jwt.config';
import { redisConfig } from './redis.config';
import { ticketsConfig } from './tickets.config';
import { wsConfig } from './ws.config';
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

  it('blames the TTL bounds when they contradict each other, and marks values left at their default', () => {
    const problem = (env: Record<string, string>) => {
      try {
        withEnv(env, () => ticketsConfig());
      } catch (error) {
        return (error as InvalidConfigError).problems;
      }
      return [];
    };
    expect(problem({ TICKET_TTL_MIN_SECONDS: '600', TICKET_TTL_MAX_SECONDS: '300' })).toEqual([
      'TICKET_TTL_MIN_SECONDS=600 must not exceed TICKET_TTL_MAX_SECONDS=300',
    ]);
    expect(problem({ TICKET_TTL_MIN_SECONDS: '600' })).toEqual([
      'TICKET_TTL_DEFAULT_SECONDS=300 (default) must lie within TICKET_TTL_MIN_SECONDS=600 and TICKET_TTL_MAX_SECONDS=3600 (default)',
    ]);
    expect(problem({ TICKET_TTL_DEFAULT_SECONDS: '10' })).toEqual([
      'TICKET_TTL_DEFAULT_SECONDS=10 must lie within TICKET_TTL_MIN_SECONDS=30 (default) and TICKET_TTL_MAX_SECONDS=3600 (default)',
    ]);
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

  it('refuses a JWKS_URI that is not an http(s) URL, by name', () => {
    for (const uri of ['not-a-url', 'idp.example/jwks.json', 'ftp://idp.example/jwks.json', 'file:///etc/jwks.json']) {
      expect(() => withEnv({ JWKS_URI: uri }, () => jwtConfig())).toThrow(`JWKS_URI=${JSON.stringify(uri)} (JWKS_URI must be an http(s) URL)`);
    }
    for (const uri of ['https://idp.example/.well-known/jwks.json', 'http://keycloak_1:8080/certs', 'http://127.0.0.1:8080/jwks']) {
      expect(withEnv({ NODE_ENV: undefined, JWKS_URI: uri }, () => jwtConfig()).jwksUri).toBe(uri);
    }
  });

  it('accepts plain http to the JWKS in production only to this host', () => {
    const production = (uri: string) => withEnv({ NODE_ENV: 'production', JWKS_URI: uri }, () => jwtConfig());
    expect(() => production('http://idp.internal:8080/jwks')).toThrow(/JWKS_URI must use https when NODE_ENV=production/);
    for (const uri of ['https://idp.example/jwks', 'http://localhost:8080/jwks', 'http://127.0.0.1:8080/jwks', 'http://[::1]:8080/jwks']) {
      expect(production(uri).jwksUri).toBe(uri);
    }
  });

  it('uses a JWKS key for 10 minutes unless JWKS_CACHE_MAX_AGE_SECONDS says otherwise', () => {
    expect(withEnv({ JWKS_CACHE_MAX_AGE_SECONDS: undefined }, () => jwtConfig()).jwksCacheMaxAgeMs).toBe(600_000);
    expect(withEnv({ JWKS_CACHE_MAX_AGE_SECONDS: '30' }, () => jwtConfig()).jwksCacheMaxAgeMs).toBe(30_000);
    for (const bad of ['0', '1.5', 'soon', '86401']) {
      expect(() => withEnv({ JWKS_CACHE_MAX_AGE_SECONDS: bad }, () => jwtConfig())).toThrow(/JWKS_CACHE_MAX_AGE_SECONDS=/);
    }
  });

  describe('JWT_PUBLIC_KEY', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const failureOf = (pem: string) => {
      try {
        withEnv({ JWT_PUBLIC_KEY: pem }, () => jwtConfig());
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidConfigError);
        return (error as Error).message;
      }
      throw new Error('expected a failure');
    };

    it('accepts a public key, also with \\n escapes', () => {
      const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      expect(withEnv({ JWT_PUBLIC_KEY: pem.replace(/\n/g, '\\n') }, () => jwtConfig()).publicKey).toBe(pem);
    });

    it.each([
      ['PKCS#8 RSA', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
      ['PKCS#1 RSA', rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()],
      ['SEC1 EC', ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString()],
      ['password-protected PKCS#8', ec.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString()],
      ['PKCS#8 RSA with \\n escapes', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().replace(/\n/g, '\\n')],
    ])('refuses a private key (%s) by name, without repeating it', (_kind, pem) => {
      const message = failureOf(pem);
      expect(message).toContain('JWT_PUBLIC_KEY holds a private key');
      for (const line of pem.split(/\n|\\n/).slice(1, -2)) expect(message).not.toContain(line);
    });

    it('refuses text that is not a PEM key', () => {
      expect(failureOf('not a key')).toContain('JWT_PUBLIC_KEY is not a valid PEM public key');
    });
  });

  it('takes PORT only as a decimal integer from 1 to 65535', () => {
    expect(withEnv({ PORT: undefined }, () => appConfig()).port).toBe(3000);
    expect(withEnv({ PORT: '65535' }, () => appConfig()).port).toBe(65535);
    for (const bad of ['0', '0x50', '8e1', '80.0', '65536', '-1', 'eighty']) {
      expect(() => withEnv({ PORT: bad }, () => appConfig())).toThrow(`PORT=${JSON.stringify(bad)} (PORT must be a decimal integer from 1 to 65535)`);
    }
  });

  it.each([
    ['CORS_ORIGINS', () => appConfig().corsOrigins],
    ['WS_ALLOWED_ORIGINS', () => wsConfig().allowedOrigins],
  ])('takes %s entries only as origins, written as browsers send them', (setting, origins) => {
    expect(withEnv({ [setting]: 'https://app.example.com, HTTP://LocalHost:5173/, https://a.example:443' }, origins)).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
      'https://a.example',
    ]);
    for (const bad of ['https://app.example.com/login', 'app.example.com', 'localhost:5173', '*', 'null', 'ftp://app.example.com', 'https://app.example.com/?x=1']) {
      expect(() => withEnv({ [setting]: `https://ok.example,${bad}` }, origins)).toThrow(
        `${setting}=${JSON.stringify(`https://ok.example,${bad}`)} ("${bad}" is not an origin`,
      );
    }
  });

  it('takes every numeric setting only in decimal digits, naming it otherwise', () => {
    expect(withEnv({ TICKET_TTL_DEFAULT_SECONDS: '60' }, () => ticketsConfig()).defaultTtlSeconds).toBe(60);
    for (const bad of ['0x3c', '6e1', '60.0', ' 60', '+60']) {
      expect(() => withEnv({ TICKET_TTL_DEFAULT_SECONDS: bad }, () => ticketsConfig())).toThrow(`TICKET_TTL_DEFAULT_SECONDS=${JSON.stringify(bad)} (`);
      expect(() => withEnv({ JWT_VERIFY_CACHE_SIZE: bad }, () => jwtConfig())).toThrow(`JWT_VERIFY_CACHE_SIZE=${JSON.stringify(bad)} (`);
    }
  });

  it('splits comma-separated lists', () => {
    expect(splitList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(splitList(undefined)).toEqual([]);
  });
});

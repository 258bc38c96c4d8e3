import { createServer, type AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVELOPMENT_JWT_SECRET } from '../src/config/jwt.config';
import { freePort } from './support/free-port';
import { runTs } from './support/spawn';

const MAIN = 'src/main.ts';
const TOKEN = 'src/scripts/token.ts';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** A line of the private key's body: it must never be repeated in an error. */
const privateKeyLine = privatePem.split('\n')[5];

// Each test starts a process that compiles on the fly; on a busy machine that takes seconds.
jest.setTimeout(30_000);

describe('start-up with invalid configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '0' }, 'PORT'],
    [{ PORT: '0x50' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ TRUST_PROXY: 'loopback,nope' }, 'TRUST_PROXY'],
    [{ CORS_ORIGINS: 'https://app.example.com,https://admin.example.com/login' }, '"https://admin.example.com/login" is not an origin'],
    [{ REDIS_URL: 'http://nope' }, 'REDIS_URL'],
    [{ TICKET_TTL_DEFAULT_SECONDS: '10' }, 'TICKET_TTL_DEFAULT_SECONDS'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ JWKS_URI: 'not-a-url' }, 'JWKS_URI'],
    [{ JWKS_URI: 'ftp://idp.example/jwks.json' }, 'JWKS_URI'],
    [{ JWT_PUBLIC_KEY: 'not a key' }, 'JWT_PUBLIC_KEY'],
    [{ WS_AUTH_METHODS: 'telepathy' }, 'WS_AUTH_METHODS'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, 'REDIS_URL'],
    [{ NODE_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:6379' }, 'JWT_SECRET'],
  ])('refuses %j with exit code 1 and one line naming %s, no stack trace', async (env, setting) => {
    const { code, stdout, stderr } = await runTs(MAIN, [], { PORT: String(await freePort()), ...env });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Invalid environment variables: [^\n]+\n$/);
    expect(stderr).toContain(setting);
  });

  it('refuses a private key as JWT_PUBLIC_KEY with exit code 1, naming the setting but not repeating the key', async () => {
    const { code, stderr } = await runTs(MAIN, [], { PORT: String(await freePort()), JWT_PUBLIC_KEY: privatePem });
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid environment variables: JWT_PUBLIC_KEY holds a private key');
    expect(stderr).not.toContain(privateKeyLine);
  });

  it('names every bad setting at once, across namespaces', async () => {
    const { code, stderr } = await runTs(MAIN, [], { LOG_LEVEL: 'loud', TICKET_TTL_MIN_SECONDS: 'x', WS_AUTH_METHODS: 'telepathy' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/LOG_LEVEL=.*TICKET_TTL_MIN_SECONDS=.*WS_AUTH_METHODS=/);
  });
});

describe('start-up when the address cannot be used', () => {
  it('ends with one line naming the address, PORT and HOST when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const { code, stderr } = await runTs(MAIN, [], { PORT: String(port), HOST: '127.0.0.1' });
      expect(code).toBe(1);
      expect(stderr).toBe(`Cannot listen on 127.0.0.1:${port}: the port is already in use (set PORT or HOST)\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe('npm run token', () => {
  it('prints a JWT with the requested claims, signed with the development secret', async () => {
    const { code, stdout, stderr } = await runTs(TOKEN, ['--sub', 'alice', '--email', 'alice@example.com', '--permissions', 'chat:read,chat:write', '--ttl', '120'], {});
    expect(code).toBe(0);
    expect(stderr).toContain('development secret');
    const claims = jwt.verify(stdout.trim(), DEVELOPMENT_JWT_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: 'alice', email: 'alice@example.com', permissions: ['chat:read', 'chat:write'] });
    expect(claims.exp! - claims.iat!).toBe(120);
  });

  it('signs with JWT_SECRET and the configured issuer and audience', async () => {
    const secret = 's'.repeat(40);
    const { code, stdout } = await runTs(TOKEN, ['--sub', 'bob'], { JWT_SECRET: secret, JWT_ISSUER: 'idp', JWT_AUDIENCE: 'tg' });
    expect(code).toBe(0);
    expect(jwt.verify(stdout.trim(), secret, { issuer: 'idp', audience: 'tg' })).toMatchObject({ sub: 'bob', permissions: [] });
  });

  it.each([
    [['--email', 'x@example.com'], {}, '--sub'],
    [['--sub', 'a', '--ttl', 'soon'], {}, '--ttl'],
    [['--sub', 'a', '--bogus'], {}, 'bogus'],
    [['--sub', 'a'], { JWT_PUBLIC_KEY: publicPem }, 'only a public key'],
  ])('refuses %j with exit code 1 naming the problem', async (args, env, problem) => {
    const { code, stdout, stderr } = await runTs(TOKEN, args, env);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(problem);
  });

  describe('with a .env in the working directory, as the app reads it', () => {
    let dir: string;
    const secret = 'e'.repeat(40);
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'ticketgate-token-'));
      writeFileSync(join(dir, '.env'), `JWT_SECRET="${secret}"\nJWT_ISSUER=dotenv-idp\n`);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('signs with the secret and issuer from .env', async () => {
      const { code, stdout, stderr } = await runTs(TOKEN, ['--sub', 'dana'], {}, 20_000, dir);
      expect(code).toBe(0);
      expect(stderr).not.toContain('development secret');
      expect(jwt.verify(stdout.trim(), secret, { issuer: 'dotenv-idp' })).toMatchObject({ sub: 'dana' });
    });

    it('lets a variable set in the environment win over .env, as the app does', async () => {
      const { code, stdout } = await runTs(TOKEN, ['--sub', 'dana'], { JWT_ISSUER: 'env-idp' }, 20_000, dir);
      expect(code).toBe(0);
      expect(jwt.verify(stdout.trim(), secret, { issuer: 'env-idp' })).toMatchObject({ sub: 'dana' });
    });
  });
});

import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import jwt from 'jsonwebtoken';
import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import request from 'supertest';
import { createTestApp } from './support/test-app';
import { parseSamples, valueOf } from './support/prometheus-text';
import { bearer, devToken } from './support/tokens';

const GENERATE = '/api/v1/websocket/ticket';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

/** An unsigned token, as an attacker would send it. */
function unsignedToken(claims: object): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ exp: Math.floor(Date.now() / 1000) + 600, ...claims })}.`;
}

describe('JWT verification with a PEM public key, issuer and audience', () => {
  let app: NestFastifyApplication;
  const http = () => request(app.getHttpServer());
  const sign = (key: KeyObject, options: jwt.SignOptions = {}, claims: object = {}) =>
    jwt.sign({ permissions: ['chat:read'], ...claims }, key, {
      subject: 'alice',
      issuer: 'https://idp.example',
      audience: 'ticketgate',
      expiresIn: 600,
      ...options,
    });

  beforeAll(async () => {
    app = await createTestApp({
      JWT_PUBLIC_KEY: pem(rsa.publicKey).replace(/\n/g, '\\n'),
      JWT_ISSUER: 'https://idp.example',
      JWT_AUDIENCE: 'ticketgate,other-api',
    });
  });
  afterAll(() => app.close());

  it('accepts an RS256 token from the configured key', async () => {
    const res = await http().post(GENERATE).set(bearer(sign(rsa.privateKey, { algorithm: 'RS256' }))).send({}).expect(201);
    expect(res.body).toMatchObject({ userId: 'alice', permissions: ['chat:read'] });
  });

  it.each([
    ['alg: none', () => unsignedToken({ sub: 'alice', iss: 'https://idp.example', aud: 'ticketgate' })],
    ['a token signed by another key', () => sign(otherRsa.privateKey, { algorithm: 'RS256' })],
    ['the wrong issuer', () => sign(rsa.privateKey, { algorithm: 'RS256', issuer: 'https://evil.example' })],
    ['the wrong audience', () => sign(rsa.privateKey, { algorithm: 'RS256', audience: 'someone-else' })],
    ['an expired token', () => sign(rsa.privateKey, { algorithm: 'RS256', expiresIn: -5 })],
    ['a token not valid yet', () => sign(rsa.privateKey, { algorithm: 'RS256', notBefore: 300 })],
    ['the development secret', () => jwt.sign({ sub: 'alice' }, require('../src/config/jwt.config').DEVELOPMENT_JWT_SECRET)],
    // HS/RS confusion: an HS256 token whose "secret" is the public key the server trusts.
    ['HS256 signed with the public key as secret', () => jwt.sign({ sub: 'alice', iss: 'https://idp.example', aud: 'ticketgate' }, Buffer.from(pem(rsa.publicKey)), { algorithm: 'HS256' } as jwt.SignOptions)],
    ['a payload that is not JSON', () => `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.bm90LWpzb24.c2ln`],
    ['an exp in microseconds (beyond any date)', () => jwt.sign({ sub: 'alice', exp: Date.now() * 1000, iss: 'https://idp.example', aud: 'ticketgate' }, rsa.privateKey, { algorithm: 'RS256' })],
  ])('refuses %s with 401', async (_name, token) => {
    const res = await http().post(GENERATE).set(bearer(token())).send({}).expect(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
  });
});

describe('JWT verification with an ES256 public key', () => {
  it('accepts ES256 and refuses RS256', async () => {
    const app = await createTestApp({ JWT_PUBLIC_KEY: pem(ec.publicKey) });
    try {
      const good = jwt.sign({ sub: 'bob' }, ec.privateKey, { algorithm: 'ES256', expiresIn: 60 });
      const bad = jwt.sign({ sub: 'bob' }, rsa.privateKey, { algorithm: 'RS256', expiresIn: 60 });
      await request(app.getHttpServer()).post(GENERATE).set(bearer(good)).send({}).expect(201);
      await request(app.getHttpServer()).post(GENERATE).set(bearer(bad)).send({}).expect(401);
    } finally {
      await app.close();
    }
  });
});

/** A JWKS endpoint on this host whose keys and health the test changes as it goes. */
async function startJwks() {
  const state = {
    keys: [] as object[],
    /** `503` answers Service Unavailable; `reset` drops the connection without an answer. */
    outage: undefined as '503' | 'reset' | undefined,
    requests: 0,
  };
  const server = createServer((req, res) => {
    state.requests += 1;
    if (state.outage === 'reset') req.socket.destroy();
    else if (state.outage === '503') res.writeHead(503).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    state,
    uri: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const jwkOf = (key: KeyObject, kid: string) => ({ ...key.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' });

// A new token every time (jwtid), so each one needs its key rather than a recent verification.
const signWithKid = (kid: string, key: KeyObject = rsa.privateKey) =>
  jwt.sign({ sub: 'carol', permissions: ['chat:read'] }, key, { algorithm: 'RS256', keyid: kid, expiresIn: 600, jwtid: randomUUID() });

describe('JWT verification through JWKS', () => {
  let app: NestFastifyApplication;
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  const http = () => request(app.getHttpServer());
  const sign = signWithKid;

  beforeAll(async () => {
    jwks = await startJwks();
    jwks.state.keys = [jwkOf(rsa.publicKey, 'key-1')];
    app = await createTestApp({ JWKS_URI: jwks.uri });
  });
  afterAll(async () => {
    await app.close();
    await jwks.close();
  });

  it('verifies by kid, caches the key, and keeps working while the JWKS endpoint is down', async () => {
    await http().post(GENERATE).set(bearer(sign('key-1'))).send({}).expect(201);
    const afterFirst = jwks.state.requests;
    expect(afterFirst).toBeGreaterThanOrEqual(1);
    await http().post(GENERATE).set(bearer(sign('key-1'))).send({}).expect(201);
    expect(jwks.state.requests).toBe(afterFirst);

    jwks.state.outage = '503';
    await http().post(GENERATE).set(bearer(sign('key-1'))).send({}).expect(201);
  });

  it('fails closed for an unknown kid, a missing kid, or an unreachable endpoint', async () => {
    jwks.state.outage = undefined;
    await http().post(GENERATE).set(bearer(sign('unknown-kid'))).send({}).expect(401);
    const noKid = jwt.sign({ sub: 'carol' }, rsa.privateKey, { algorithm: 'RS256', expiresIn: 600 });
    await http().post(GENERATE).set(bearer(noKid)).send({}).expect(401);
    jwks.state.outage = '503';
    await http().post(GENERATE).set(bearer(sign('key-2', otherRsa.privateKey))).send({}).expect(401);
  });
});

describe('JWKS keys expire (JWKS_CACHE_MAX_AGE_SECONDS=1)', () => {
  let app: NestFastifyApplication;
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  const http = () => request(app.getHttpServer());
  const status = async (token: string) => (await http().post(GENERATE).set(bearer(token)).send({})).status;
  const pastMaxAge = () => new Promise((resolve) => setTimeout(resolve, 1_050));
  const logged = (spy: jest.SpyInstance, pattern: RegExp) => spy.mock.calls.filter(([message]) => pattern.test(String(message))).length;

  beforeAll(async () => {
    jwks = await startJwks();
    app = await createTestApp({ JWKS_URI: jwks.uri, JWKS_CACHE_MAX_AGE_SECONDS: '1' });
  });
  afterAll(async () => {
    await app.close();
    await jwks.close();
  });
  beforeEach(() => {
    jwks.state.keys = [jwkOf(rsa.publicKey, 'key-1')];
    jwks.state.outage = undefined;
  });
  afterEach(() => jest.restoreAllMocks());

  it('refuses a kid the JWKS no longer lists once its key has expired, and takes up the new one', async () => {
    expect(await status(signWithKid('key-1'))).toBe(201);
    jwks.state.keys = [jwkOf(otherRsa.publicKey, 'key-2')];
    expect(await status(signWithKid('key-1'))).toBe(201);

    await pastMaxAge();
    const before = jwks.state.requests;
    const res = await http().post(GENERATE).set(bearer(signWithKid('key-1'))).send({}).expect(401);
    expect(res.body).toEqual({ statusCode: 401, code: 'UNAUTHORIZED', message: 'Invalid token: signing key not found' });
    expect(jwks.state.requests).toBe(before + 1);
    expect(await status(signWithKid('key-2', otherRsa.privateKey))).toBe(201);
  });

  it.each([['503'], ['reset']] as const)('keeps an expired key while the JWKS endpoint is down (%s), logging the outage once', async (outage) => {
    expect(await status(signWithKid('key-1'))).toBe(201);
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const log = jest.spyOn(Logger.prototype, 'log');
    jwks.state.outage = outage;
    await pastMaxAge();
    const before = jwks.state.requests;
    for (let i = 0; i < 3; i += 1) expect(await status(signWithKid('key-1'))).toBe(201);
    expect(jwks.state.requests).toBeGreaterThan(before);
    expect(await status(signWithKid('key-never-seen', otherRsa.privateKey))).toBe(401);
    expect(logged(warn, /JWKS endpoint unavailable/)).toBe(1);

    jwks.state.outage = undefined;
    await pastMaxAge();
    expect(await status(signWithKid('key-1'))).toBe(201);
    expect(logged(log, /JWKS endpoint answers again/)).toBe(1);
  });

  it('lets no flood of made-up kids refuse a known key or keep a removed one', async () => {
    expect(await status(signWithKid('key-1'))).toBe(201);
    // Well past the 10 lookups a minute allowed for kids never seen.
    for (let i = 0; i < 12; i += 1) expect(await status(signWithKid(`made-up-${i}`))).toBe(401);
    await pastMaxAge();
    expect(await status(signWithKid('key-1'))).toBe(201);

    jwks.state.keys = [];
    await pastMaxAge();
    expect(await status(signWithKid('key-1'))).toBe(401);
  });
});

describe('Recently verified tokens', () => {
  const lookups = async (app: NestFastifyApplication) => {
    const samples = parseSamples((await request(app.getHttpServer()).get('/metrics').expect(200)).text);
    const count = (result: string) => valueOf(samples, 'ticketgate_jwt_cache_lookups_total', { result });
    return { hit: count('hit'), miss: count('miss') };
  };

  describe('with the default cache', () => {
    let app: NestFastifyApplication;
    const http = () => request(app.getHttpServer());
    beforeAll(async () => {
      app = await createTestApp();
    });
    afterAll(() => app.close());

    it('skips verifying a token presented again, and answers exactly as the first time', async () => {
      const token = devToken({ sub: 'dora', email: 'dora@example.com', permissions: ['chat:read', 'chat:write'] });
      const before = await lookups(app);
      const first = await http().post(GENERATE).set(bearer(token)).send({}).expect(201);
      const second = await http().post(GENERATE).set({ authorization: `bearer ${token}` }).send({ permissions: ['chat:read'] }).expect(201);
      expect(first.body).toMatchObject({ userId: 'dora', permissions: ['chat:read', 'chat:write'] });
      expect(second.body).toMatchObject({ userId: 'dora', permissions: ['chat:read'] });
      // The narrowed ticket did not narrow the remembered user.
      const third = await http().post(GENERATE).set(bearer(token)).send({}).expect(201);
      expect(third.body.permissions).toEqual(['chat:read', 'chat:write']);
      expect(await lookups(app)).toEqual({ hit: before.hit! + 2, miss: before.miss! + 1 });
    });

    it('refuses a token it accepted a moment ago once the token expires: 401 "Token has expired"', async () => {
      const token = devToken({ sub: 'erin' }, { expiresIn: 2 });
      const { exp } = jwt.decode(token) as { exp: number };
      await http().post(GENERATE).set(bearer(token)).send({}).expect(201);
      await http().post(GENERATE).set(bearer(token)).send({}).expect(201);
      await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 20));
      const res = await http().post(GENERATE).set(bearer(token)).send({}).expect(401);
      expect(res.body).toEqual({ statusCode: 401, code: 'UNAUTHORIZED', message: 'Token has expired' });
    });

    it('keys on the whole token: the claims of a remembered token under a forged signature are refused', async () => {
      const token = devToken({ sub: 'grace' });
      await http().post(GENERATE).set(bearer(token)).send({}).expect(201);
      const forged = token.replace(/\.[^.]+$/, '.c2lnbmF0dXJl');
      const res = await http().post(GENERATE).set(bearer(forged)).send({}).expect(401);
      expect(res.body.message).toBe('Invalid token: invalid signature');
    });
  });

  it('verifies every request anew with JWT_VERIFY_CACHE_SIZE=0', async () => {
    const app = await createTestApp({ JWT_VERIFY_CACHE_SIZE: '0' });
    try {
      const token = devToken({ sub: 'frank' });
      await request(app.getHttpServer()).post(GENERATE).set(bearer(token)).send({}).expect(201);
      await request(app.getHttpServer()).post(GENERATE).set(bearer(token)).send({}).expect(201);
      expect(await lookups(app)).toEqual({ hit: 0, miss: 0 });
    } finally {
      await app.close();
    }
  });
});

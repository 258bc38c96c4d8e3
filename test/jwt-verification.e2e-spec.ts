import { NestFastifyApplication } from '@nestjs/platform-fastify';
import jwt from 'jsonwebtoken';
import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
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

describe('JWT verification through JWKS', () => {
  let app: NestFastifyApplication;
  let jwks: Server;
  let jwksRequests = 0;
  let jwksDown = false;
  const http = () => request(app.getHttpServer());
  // A new token every time (jwtid), so each one needs its key rather than a recent verification.
  const sign = (kid: string, key: KeyObject = rsa.privateKey) =>
    jwt.sign({ sub: 'carol', permissions: ['chat:read'] }, key, { algorithm: 'RS256', keyid: kid, expiresIn: 600, jwtid: randomUUID() });

  beforeAll(async () => {
    const jwk = { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'key-1', use: 'sig', alg: 'RS256' };
    jwks = createServer((req, res) => {
      jwksRequests += 1;
      if (jwksDown) {
        res.writeHead(503).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as { port: number };
    app = await createTestApp({ JWKS_URI: `http://127.0.0.1:${port}/.well-known/jwks.json` });
  });
  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  it('verifies by kid, caches the key, and keeps working while the JWKS endpoint is down', async () => {
    await http().post(GENERATE).set(bearer(sign('key-1'))).send({}).expect(201);
    const afterFirst = jwksRequests;
    expect(afterFirst).toBeGreaterThanOrEqual(1);
    await http().post(GENERATE).set(bearer(sign('key-1'))).send({}).expect(201);
    expect(jwksRequests).toBe(afterFirst);

    jwksDown = true;
    await http().post(GENERATE).set(bearer(sign('key-1'))).send({}).expect(201);
  });

  it('fails closed for an unknown kid, a missing kid, or an unreachable endpoint', async () => {
    jwksDown = false;
    await http().post(GENERATE).set(bearer(sign('unknown-kid'))).send({}).expect(401);
    const noKid = jwt.sign({ sub: 'carol' }, rsa.privateKey, { algorithm: 'RS256', expiresIn: 600 });
    await http().post(GENERATE).set(bearer(noKid)).send({}).expect(401);
    jwksDown = true;
    await http().post(GENERATE).set(bearer(sign('key-2', otherRsa.privateKey))).send({}).expect(401);
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

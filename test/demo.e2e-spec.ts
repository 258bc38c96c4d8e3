import { NestFastifyApplication } from '@nestjs/platform-fastify';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { DEVELOPMENT_JWT_SECRET } from '../src/config/jwt.config';
import { createTestApp, Env, redisEnv } from './support/test-app';
import { bearer } from './support/tokens';

const CONFIGURED_SECRET = 'a-real-identity-provider-secret-of-40-chars';
/** No key configured: outside production the development secret is in use. */
const NO_KEY: Env = { JWT_SECRET: undefined, JWT_PUBLIC_KEY: undefined, JWKS_URI: undefined };
const JAVASCRIPT = /^(text|application)\/javascript/;

/** An app on `env` for the enclosing `describe` (in-memory store unless `env` names Redis), closed after it. */
function onApp(env: Env): { http: () => ReturnType<typeof request> } {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await createTestApp(env);
  });
  afterAll(() => app.close());
  return { http: () => request(app.getHttpServer()) };
}

/** What an unknown route answers (CONTRACT §3); hidden demo routes must answer the same. */
const NOT_FOUND = { statusCode: 404, code: 'NOT_FOUND', message: expect.any(String) };

describe('Demo page and client bundle', () => {
  describe('demo enabled (the default outside production) with the development secret', () => {
    const { http } = onApp({ ...NO_KEY });

    it('serves /demo as HTML under the app\'s security headers, with no inline script for the CSP to block', async () => {
      const page = await http().get('/demo').expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
      const csp = page.headers['content-security-policy'];
      expect(csp).toContain("default-src 'self'");
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toContain("frame-ancestors 'self'");
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['x-powered-by']).toBeUndefined();
      expect(page.text).toContain('<title>Ticketgate');
      const scripts = [...page.text.matchAll(/<script\b([^>]*)>/g)].map((match) => match[1]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const attributes of scripts) expect(attributes).toMatch(/\bsrc="\/[^"]+"/);
      expect(page.text).not.toMatch(/\son[a-z]+\s*=/i);
    });

    it('serves every file the page loads, each with its own content type', async () => {
      const page = await http().get('/demo').expect(200);
      const local = [...page.text.matchAll(/(?:src|href)="(\/[^"]*)"/g)].map((match) => match[1]);
      expect(local).toEqual(expect.arrayContaining(['/demo/demo.css', '/demo/demo.js', '/client/ticketgate-client.js']));
      const types: Record<string, RegExp> = { '.css': /^text\/css/, '.js': JAVASCRIPT };
      for (const path of new Set(local)) {
        const asset = await http().get(path).expect(200);
        const expected = Object.entries(types).find(([extension]) => path.endsWith(extension))?.[1];
        if (expected) expect(asset.headers['content-type']).toMatch(expected);
      }
      // demo.js imports the client by its absolute path, which the app serves.
      const script = await http().get('/demo/demo.js').expect(200);
      expect(script.text).toContain("from '/client/ticketgate-client.js'");
    });

    it('/demo/settings offers development tokens', async () => {
      const { body } = await http().get('/demo/settings').expect(200);
      expect(body).toEqual({ devTokens: true });
    });

    it('POST /demo/token signs a short-lived development JWT the ticket endpoint accepts, and forbids caching it', async () => {
      const before = Math.floor(Date.now() / 1000);
      const response = await http().post('/demo/token').send({ sub: 'ada.lovelace@example' }).expect(201);
      expect(response.headers['cache-control']).toBe('no-store');
      const { token, expiresAt } = response.body as { token: string; expiresAt: string };
      const claims = jwt.verify(token, DEVELOPMENT_JWT_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
      expect(claims).toMatchObject({ sub: 'ada.lovelace@example', permissions: ['chat:read', 'chat:write'] });
      expect(claims.exp).toBeGreaterThanOrEqual(before + 15 * 60);
      expect(claims.exp).toBeLessThanOrEqual(before + 15 * 60 + 2);
      expect(expiresAt).toBe(new Date(claims.exp! * 1000).toISOString());

      const ticket = await http().post('/api/v1/websocket/ticket').set(bearer(token)).send({}).expect(201);
      expect(ticket.body).toMatchObject({ userId: 'ada.lovelace@example', permissions: ['chat:read', 'chat:write'] });
    });

    it('POST /demo/token without a sub signs for demo-user', async () => {
      const { body } = await http().post('/demo/token').send({}).expect(201);
      expect(jwt.decode(body.token)).toMatchObject({ sub: 'demo-user' });
    });

    it.each([
      ['a sub with a space', { sub: 'ada lovelace' }, 'sub'],
      ['a sub too long', { sub: 'a'.repeat(65) }, 'sub'],
      ['an empty sub', { sub: '' }, 'sub'],
      ['a sub that is not a string', { sub: 42 }, 'sub'],
      ['a null sub', { sub: null }, 'sub'],
      ['an unknown field', { sub: 'ada', admin: true }, 'admin'],
    ])('POST /demo/token with %s is 400 VALIDATION_FAILED naming the field', async (_case, body, field) => {
      const response = await http().post('/demo/token').send(body).expect(400);
      expect(response.body).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', message: expect.anything() });
      const message = [response.body.message].flat().join('; ');
      expect(message).toContain(field);
    });

    it('POST /demo/token with a body that is not JSON is 400 VALIDATION_FAILED', async () => {
      const response = await http().post('/demo/token').set('content-type', 'application/json').send('{"sub":').expect(400);
      expect(response.body).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', message: expect.stringContaining('not valid JSON') });
    });
  });

  describe('DEMO_ENABLED=false', () => {
    const { http } = onApp({ ...NO_KEY, DEMO_ENABLED: 'false' });

    it.each(['/demo', '/demo/settings', '/demo/demo.js', '/demo/demo.css'])('GET %s answers 404 as an unknown route does', async (path) => {
      const { body } = await http().get(path).expect(404);
      expect(body).toEqual(NOT_FOUND);
      expect(body).toEqual((await http().get('/no-such-route').expect(404)).body);
    });

    it('POST /demo/token is 404, although the development secret is in use, whatever the body', async () => {
      expect((await http().post('/demo/token').send({ sub: 'ada' }).expect(404)).body).toEqual(NOT_FOUND);
      expect((await http().post('/demo/token').send({ sub: 7, extra: true }).expect(404)).body).toEqual(NOT_FOUND);
    });

    it('still serves the browser client as JavaScript, with its source map', async () => {
      const bundle = await http().get('/client/ticketgate-client.js').expect(200);
      expect(bundle.headers['content-type']).toMatch(JAVASCRIPT);
      expect(bundle.headers['x-content-type-options']).toBe('nosniff');
      expect(bundle.text).toContain('createTicketgateClient');
      expect(bundle.text).toContain('//# sourceMappingURL=ticketgate-client.js.map');
      const map = await http().get('/client/ticketgate-client.js.map').expect(200);
      expect(JSON.parse(map.text)).toMatchObject({ version: 3, sources: expect.arrayContaining([expect.stringContaining('src/client/ticketgate-client.ts')]) });
    });
  });

  describe('demo enabled with a real JWT secret configured', () => {
    const { http } = onApp({ ...NO_KEY, JWT_SECRET: CONFIGURED_SECRET, DEMO_ENABLED: 'true' });

    it('serves the page, but /demo/settings offers no development tokens', async () => {
      await http().get('/demo').expect(200);
      expect((await http().get('/demo/settings').expect(200)).body).toEqual({ devTokens: false });
    });

    it('POST /demo/token is 404 as an unknown route, whatever the body (nothing is validated or signed)', async () => {
      expect((await http().post('/demo/token').send({ sub: 'ada' }).expect(404)).body).toEqual(NOT_FOUND);
      expect((await http().post('/demo/token').send({}).expect(404)).body).toEqual(NOT_FOUND);
      expect((await http().post('/demo/token').send({ sub: 'not valid!', extra: 1 }).expect(404)).body).toEqual(NOT_FOUND);
    });
  });

  describe('production, DEMO_ENABLED unset', () => {
    const { http } = onApp({ ...NO_KEY, ...redisEnv('demo-production'), NODE_ENV: 'production', DEMO_ENABLED: undefined, JWT_SECRET: CONFIGURED_SECRET });

    it('has no demo, but serves the browser client', async () => {
      expect((await http().get('/demo').expect(404)).body).toEqual(NOT_FOUND);
      expect((await http().post('/demo/token').send({}).expect(404)).body).toEqual(NOT_FOUND);
      const bundle = await http().get('/client/ticketgate-client.js').expect(200);
      expect(bundle.headers['content-type']).toMatch(JAVASCRIPT);
    });
  });
});

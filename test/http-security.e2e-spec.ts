import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createTestApp } from './support/test-app';
import { bearer, devToken } from './support/tokens';

describe('HTTP security headers and CORS', () => {
  let app: NestFastifyApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({ CORS_ORIGINS: 'https://app.example, HTTPS://Admin.Example:443/' });
  });
  afterAll(() => app.close());

  it.each(['/api/v1/websocket/ticket/status', '/health', '/docs', '/nowhere'])('sends standard security headers on %s', async (path) => {
    const res = await http().get(path);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('serves Swagger UI assets under that policy (no inline scripts needed)', async () => {
    const page = await http().get('/docs').expect(200);
    const scripts = [...page.text.matchAll(/<script[^>]*src="([^"]+)"/g)].map((match) => match[1]);
    expect(scripts.length).toBeGreaterThan(0);
    expect(page.text).not.toMatch(/<script>(?!\s*<\/script>)/);
    for (const src of scripts) await http().get(new URL(src, 'http://x/docs').pathname).expect(200);
  });

  it('refuses oversized headers before any route runs (431)', async () => {
    const res = await http().get('/api/v1/websocket/ticket/status').set('x-filler', 'x'.repeat(20 * 1024));
    expect(res.status).toBe(431);
  });

  it('allows CORS for configured origins only', async () => {
    const allowed = await http()
      .options('/api/v1/websocket/ticket')
      .set('origin', 'https://app.example')
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'authorization,content-type');
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');

    const refused = await http()
      .options('/api/v1/websocket/ticket')
      .set('origin', 'https://evil.example')
      .set('access-control-request-method', 'POST');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();

    const simple = await http().post('/api/v1/websocket/ticket').set('origin', 'https://admin.example').set(bearer(devToken())).send({}).expect(201);
    expect(simple.headers['access-control-allow-origin']).toBe('https://admin.example');
    expect(simple.headers['access-control-expose-headers']).toContain('Retry-After');
  });

  it.each(['/api/v1/websocket/tickets', '/api/v1/websocket/ticket/tkt_x'])('lets an allowed origin preflight DELETE %s', async (path) => {
    const preflight = await http()
      .options(path)
      .set('origin', 'https://admin.example')
      .set('access-control-request-method', 'DELETE')
      .set('access-control-request-headers', 'authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://admin.example');
    expect(preflight.headers['access-control-allow-methods']).toMatch(/\bDELETE\b/);
  });
});

describe('CORS when no origins are configured', () => {
  it('sends no CORS headers at all', async () => {
    const app = await createTestApp({});
    try {
      const res = await request(app.getHttpServer()).get('/api/v1/websocket/ticket/status').set('origin', 'https://app.example');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

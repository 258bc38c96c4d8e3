import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect } from 'node:net';
import request from 'supertest';
import { createTestApp } from './support/test-app';
import { bearer, devToken } from './support/tokens';
import { ask, listen, SocketClients } from './support/ws-client';

/** Writes `head` (and nothing more) on a fresh connection; resolves with the raw answer once the server closes it. */
function rawExchange(port: number, head: string): Promise<{ status: number; headers: string; body: unknown; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [headers, body = ''] = received.split('\r\n\r\n');
      resolve({ status: Number(headers.split(' ')[1]), headers, body: body ? JSON.parse(body) : undefined, elapsedMs: Date.now() - started });
    });
  });
}

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

  it('refuses oversized headers before any route runs (431 HEADERS_TOO_LARGE)', async () => {
    const res = await http().get('/api/v1/websocket/ticket/status').set('x-filler', 'x'.repeat(20 * 1024));
    expect(res.status).toBe(431);
    expect(res.body).toEqual({ statusCode: 431, code: 'HEADERS_TOO_LARGE', message: 'The request line and headers exceed 16384 bytes' });
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

describe('requests refused before routing, over a real socket', () => {
  let app: NestFastifyApplication;
  let port: number;
  const clients = new SocketClients();

  beforeAll(async () => {
    app = await createTestApp({});
    port = Number(new URL(await listen(app)).port);
  });
  afterEach(() => clients.closeAll());
  afterAll(() => app.close());

  it('answers a body that never completes with 408 REQUEST_TIMEOUT, leaving Socket.IO long-polls and websockets alone', async () => {
    const url = `http://127.0.0.1:${port}`;
    const auth = { token: devToken({ sub: 'patient' }) };
    // A long-poll GET is held open by the server (up to pingInterval, 25 s): longer than the timeout.
    const sockets = await Promise.all([clients.connect(url, { auth, transports: ['polling'] }), clients.connect(url, { auth, transports: ['websocket'] })]);
    const disconnects: string[] = [];
    for (const socket of sockets) socket.on('disconnect', (reason) => disconnects.push(reason));

    const stalled = await rawExchange(
      port,
      `POST /api/v1/websocket/ticket HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${devToken()}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ttl`,
    );
    expect(stalled.status).toBe(408);
    expect(stalled.body).toEqual({ statusCode: 408, code: 'REQUEST_TIMEOUT', message: 'The request did not arrive in full within 10 seconds' });
    expect(stalled.elapsedMs).toBeGreaterThanOrEqual(9_500);

    for (const socket of sockets) expect((await ask(socket, 'whoami')).userId).toBe('patient');
    expect(disconnects).toEqual([]);
  }, 30_000);

  it('answers an unknown HTTP method with 400 naming it', async () => {
    const res = await rawExchange(port, 'FOO /api/v1/websocket/ticket/status HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(res.body).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'Unknown HTTP method' });
  });

  it('answers a body without Content-Type with 400 asking for JSON', async () => {
    const res = await rawExchange(port, `POST /api/v1/websocket/ticket HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${devToken()}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    expect(res.body).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'A body without Content-Type is not accepted; send the body as application/json' });
  });

  it('answers bad percent-encoding in the path with 400, without repeating the path, with the usual headers', async () => {
    const res = await rawExchange(port, 'DELETE /api/v1/websocket/ticket/tkt_secret%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(res.body).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'The URL path is not valid percent-encoding' });
    expect(res.headers).toMatch(/^x-content-type-options: nosniff$/im);
    expect(res.headers).toMatch(/^x-request-id: [0-9a-f-]{36}$/im);
  });

  it('answers a path parameter over 4096 characters with 400 naming the limit', async () => {
    const res = await request(app.getHttpServer()).delete(`/api/v1/websocket/ticket/${'a'.repeat(5_000)}`).set(bearer(devToken()));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'A path segment is longer than 4096 characters' });
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

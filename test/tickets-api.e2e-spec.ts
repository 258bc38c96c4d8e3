import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import request from 'supertest';
import { createTestApp, Env, LOCAL_REDIS_URL, uniquePrefix } from './support/test-app';
import { bearer, devToken } from './support/tokens';

const GENERATE = '/api/v1/websocket/ticket';
const VALIDATE = '/api/v1/websocket/ticket/validate';
const REVOKE = '/api/v1/websocket/ticket/revoke';
const REVOKE_ALL = '/api/v1/websocket/tickets';
const STATUS = '/api/v1/websocket/ticket/status';
const TICKET_FORMAT = /^tkt_[A-Za-z0-9_-]{43}$/;

const validator = devToken({ sub: 'billing-service', permissions: ['tickets:validate'] });
const admin = devToken({ sub: 'ops', permissions: ['tickets:admin'] });

let userCounter = 0;
/** A fresh user per test so caps and rate limits never leak between tests. */
function newUser(permissions: string[] = ['chat:read', 'chat:write'], extra: Record<string, unknown> = {}) {
  const sub = `user-${++userCounter}-${Math.random().toString(36).slice(2, 8)}`;
  return { sub, token: devToken({ sub, email: `${sub}@example.com`, permissions, ...extra }) };
}

const stores: Array<[string, () => Env]> = [
  ['memory', () => ({})],
  ['redis', () => ({ REDIS_URL: LOCAL_REDIS_URL, REDIS_KEY_PREFIX: uniquePrefix('api') })],
];

describe.each(stores)('tickets REST API on the %s store', (kind, envFor) => {
  let app: NestFastifyApplication;
  const env = { ...envFor(), TICKET_MAX_ACTIVE_PER_USER: '5', TICKET_RATE_LIMIT_PER_MINUTE: '8' };
  const http = () => request(app.getHttpServer());
  const generate = (token: string, body: unknown = {}) => http().post(GENERATE).set(bearer(token)).send(body as object);
  const validate = (ticket: unknown) => http().post(VALIDATE).set(bearer(validator)).send({ ticket });

  beforeAll(async () => {
    app = await createTestApp(env);
  });
  afterAll(() => app.close());

  describe('generate', () => {
    it('issues a ticket carrying the caller identity and all their permissions by default', async () => {
      const { sub, token } = newUser();
      const res = await generate(token).expect(201);

      expect(res.body).toEqual({
        ticket: expect.stringMatching(TICKET_FORMAT),
        expiresAt: expect.any(String),
        ttlSeconds: 300,
        userId: sub,
        permissions: ['chat:read', 'chat:write'],
      });
      const lifetime = Date.parse(res.body.expiresAt) - Date.now();
      expect(lifetime).toBeGreaterThan(295_000);
      expect(lifetime).toBeLessThanOrEqual(300_000);
    });

    it.each(['/api/v1/auth/generate-ticket', '/auth/generate-ticket'])('answers the same on the alias %s', async (alias) => {
      const { sub, token } = newUser();
      const res = await http().post(alias).set(bearer(token)).send({ ttlSeconds: 60 }).expect(201);
      expect(res.body).toMatchObject({ userId: sub, ttlSeconds: 60, ticket: expect.stringMatching(TICKET_FORMAT) });
    });

    it('issues distinct tickets each time', async () => {
      const { token } = newUser();
      const a = await generate(token).expect(201);
      const b = await generate(token).expect(201);
      expect(a.body.ticket).not.toBe(b.body.ticket);
    });

    it('accepts no body at all', async () => {
      const { token } = newUser();
      await http().post(GENERATE).set(bearer(token)).expect(201);
    });

    it.each([
      [30, 201],
      [3600, 201],
      [29, 400],
      [3601, 400],
      [0, 400],
      [-5, 400],
      [1.5, 400],
      ['60', 400],
      [null, 400],
    ])('ttlSeconds %p answers %p', async (ttlSeconds, status) => {
      const { token } = newUser();
      const res = await generate(token, { ttlSeconds }).expect(status);
      if (status === 201) expect(res.body.ttlSeconds).toBe(ttlSeconds);
      else expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: expect.arrayContaining([expect.stringContaining('ttlSeconds')]) });
    });

    it('narrows permissions to a subset, including none', async () => {
      const { token } = newUser();
      expect((await generate(token, { permissions: ['chat:read'] }).expect(201)).body.permissions).toEqual(['chat:read']);
      expect((await generate(token, { permissions: [] }).expect(201)).body.permissions).toEqual([]);
    });

    it('refuses permissions the caller does not hold with 403 naming them', async () => {
      const { token } = newUser(['chat:read']);
      const res = await generate(token, { permissions: ['chat:read', 'chat:admin'] }).expect(403);
      expect(res.body).toEqual({ statusCode: 403, code: 'FORBIDDEN', message: expect.stringContaining('chat:admin') });
    });

    it('takes permissions from a space-separated scope claim', async () => {
      const token = devToken({ sub: `scoped-${kind}`, scope: 'chat:read  chat:write' });
      expect((await generate(token, { permissions: ['chat:write'] }).expect(201)).body.permissions).toEqual(['chat:write']);
    });

    it.each([
      [{ permissions: 'chat:read' }, 'permissions'],
      [{ permissions: [42] }, 'permission'],
      [{ permissions: [''] }, 'permission'],
      [{ permissions: ['x'.repeat(65)] }, 'permission'],
      [{ permissions: Array.from({ length: 33 }, (_, i) => `p${i}`) }, 'permissions'],
      [{ metadata: 'text' }, 'metadata'],
      [{ metadata: [1, 2] }, 'metadata'],
      [{ metadata: { blob: 'x'.repeat(1100) } }, 'metadata'],
      [{ metadata: null }, 'metadata'],
      [{ publicKey: { kty: 'RSA', n: 'abc', e: 'AQAB' } }, 'publicKey'],
      [{ extra: true }, 'extra'],
    ])('refuses %j with 400 naming %s', async (body, field) => {
      const { token } = newUser();
      const res = await generate(token, body).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.message)).toContain(field);
    });

    it('accepts metadata up to 1024 bytes and returns it on validation', async () => {
      const { token } = newUser();
      const metadata = { room: 'lobby', note: 'x'.repeat(900) };
      const { body } = await generate(token, { metadata }).expect(201);
      expect((await validate(body.ticket).expect(200)).body.metadata).toEqual(metadata);
    });

    it.each([
      ['a JSON array', '[1]', ['request body must be a JSON object']],
      ['an empty JSON array', '[]', ['request body must be a JSON object']],
      ['a JSON string', '"hello"', ['request body must be a JSON object']],
      ['an empty JSON string', '""', ['request body must be a JSON object']],
      ['a JSON number', '42', ['request body must be a JSON object']],
      ['a JSON boolean', 'true', ['request body must be a JSON object']],
      ['JSON null', 'null', ['request body must be a JSON object']],
      ['malformed JSON', '{"ttlSeconds": ', 'Body is not valid JSON'],
      ['a prototype-polluting key', '{"__proto__": {"admin": true}}', ['request body must not contain the key __proto__']],
      ['a nested, escaped prototype-polluting key', '{"metadata": {"\\u005f_proto__": {}}}', ['request body must not contain the key __proto__']],
      ['a constructor key', '{"constructor": 1}', ['property constructor should not exist']],
    ])('refuses %s as the body with 400 saying why', async (_name, raw, message) => {
      const { token } = newUser();
      const res = await http().post(GENERATE).set(bearer(token)).set('content-type', 'application/json').send(raw).expect(400);
      expect(res.body).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', message });
    });

    it.each([
      ['application/x-www-form-urlencoded', 'ttlSeconds=60'],
      ['text/plain', '{}'],
      ['application/octet-stream', '{}'],
      ['multipart/form-data; boundary=x', '--x--'],
      ['application/vnd.api+json', '{}'],
    ])('refuses a %s body with 400 naming the type and asking for JSON', async (type, raw) => {
      const { token } = newUser();
      const res = await http().post(GENERATE).set(bearer(token)).set('content-type', type).send(raw).expect(400);
      expect(res.body).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', message: `Content-Type ${JSON.stringify(type)} is not accepted; send the body as application/json` });
    });

    it('names null as the one problem of a field sent as null', async () => {
      const { token } = newUser();
      const res = await generate(token, { permissions: null }).expect(400);
      expect(res.body.message).toEqual(['permissions must not be null; omit it instead']);
    });

    it('refuses a body nested 3,000 levels deep with 400 naming the depth, on generate, validate and revoke', async () => {
      const { token } = newUser();
      const deep = `{"metadata":${'['.repeat(3_000)}${']'.repeat(3_000)}}`;
      const expected = { statusCode: 400, code: 'VALIDATION_FAILED', message: ['request body nests arrays and objects more than 32 levels deep'] };
      for (const [route, auth] of [[GENERATE, token], [VALIDATE, validator], [REVOKE, token]]) {
        const res = await http().post(route).set(bearer(auth)).set('content-type', 'application/json').send(deep).expect(400);
        expect(res.body).toEqual(expected);
      }
    });

    it('refuses bodies over 16 KiB with 413', async () => {
      const { token } = newUser();
      const res = await generate(token, { metadata: { blob: 'x'.repeat(17 * 1024) } }).expect(413);
      expect(res.body).toEqual({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('16384') });
    });

    it.each([
      ['no Authorization header', undefined],
      ['a non-bearer scheme', 'Basic YWxpY2U6cGFzcw=='],
      ['a garbage token', 'Bearer not.a.jwt'],
      ['an expired token', `Bearer ${devToken({}, { expiresIn: -10 })}`],
      ['a token signed with another secret', `Bearer ${require('jsonwebtoken').sign({ sub: 'x' }, 'another-secret-another-secret-1234')}`],
      ['a token without sub', `Bearer ${require('jsonwebtoken').sign({ permissions: [] }, require('../src/config/jwt.config').DEVELOPMENT_JWT_SECRET)}`],
    ])('refuses %s with 401', async (_name, authorization) => {
      const req = http().post(GENERATE).send({});
      if (authorization) void req.set('authorization', authorization);
      const res = await req.expect(401);
      expect(res.body).toEqual({ statusCode: 401, code: 'UNAUTHORIZED', message: expect.any(String) });
    });

    it('says when the token has expired', async () => {
      const res = await generate(devToken({}, { expiresIn: -10 })).expect(401);
      expect(res.body.message).toMatch(/expired/i);
    });

    it('caps unconsumed tickets per user with 429 TOO_MANY_ACTIVE_TICKETS and Retry-After', async () => {
      const { token } = newUser();
      for (let i = 0; i < 5; i++) await generate(token, { ttlSeconds: 60 }).expect(201);
      const res = await generate(token).expect(429);
      expect(res.body.code).toBe('TOO_MANY_ACTIVE_TICKETS');
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    });

    it('frees a slot under the cap once a ticket is consumed', async () => {
      const { token } = newUser();
      const tickets = [];
      for (let i = 0; i < 5; i++) tickets.push((await generate(token).expect(201)).body.ticket);
      await generate(token).expect(429);
      await validate(tickets[0]).expect(200);
      await generate(token).expect(201);
    });

    it('rate limits generation per user across the aliases with 429 RATE_LIMITED and Retry-After', async () => {
      const { token } = newUser();
      const other = newUser();
      const paths = [GENERATE, '/api/v1/auth/generate-ticket', '/auth/generate-ticket'];
      for (let i = 0; i < 8; i++) {
        const res = await http().post(paths[i % 3]).set(bearer(token)).send({ permissions: [] });
        expect([201, 429]).toContain(res.status);
        if (res.status === 201) await validate(res.body.ticket);
      }
      const limited = await generate(token).expect(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      await generate(other.token).expect(201);
    });
  });

  describe('validate', () => {
    it('consumes a ticket: valid once with its identity, then valid: false', async () => {
      const { sub, token } = newUser();
      const issued = (await generate(token, { permissions: ['chat:read'], metadata: { room: 'a' } }).expect(201)).body;

      const first = await validate(issued.ticket).expect(200);
      expect(first.body).toEqual({
        valid: true,
        userId: sub,
        email: `${sub}@example.com`,
        permissions: ['chat:read'],
        metadata: { room: 'a' },
        issuedAt: expect.any(String),
        expiresAt: issued.expiresAt,
      });
      expect((await validate(issued.ticket).expect(200)).body).toEqual({ valid: false });
    });

    it.each([
      ['an unknown ticket', `tkt_${'A'.repeat(43)}`],
      ['a wrongly shaped string', 'hello'],
      ['a near-miss', `tkt_${'A'.repeat(42)}`],
      ['an empty string', ''],
    ])('answers valid: false for %s', async (_name, ticket) => {
      expect((await validate(ticket).expect(200)).body).toEqual({ valid: false });
    });

    it('answers valid: false for a revoked ticket', async () => {
      const { token } = newUser();
      const { ticket } = (await generate(token).expect(201)).body;
      await http().post(REVOKE).set(bearer(token)).send({ ticket }).expect(204);
      expect((await validate(ticket).expect(200)).body).toEqual({ valid: false });
    });

    it.each([[undefined], [42], [null], [['tkt_x']], [{ a: 1 }]])('refuses ticket %p with 400', async (ticket) => {
      const res = await http().post(VALIDATE).set(bearer(validator)).send(ticket === undefined ? {} : { ticket }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.message)).toContain('ticket');
    });

    it('requires a token (401) with the tickets:validate permission (403)', async () => {
      await http().post(VALIDATE).send({ ticket: 'x' }).expect(401);
      const { token } = newUser(['chat:read']);
      const res = await http().post(VALIDATE).set(bearer(token)).send({ ticket: 'x' }).expect(403);
      expect(res.body).toEqual({ statusCode: 403, code: 'FORBIDDEN', message: expect.stringContaining('tickets:validate') });
    });

    it('accepts a ticket exactly once under 200 concurrent validate calls', async () => {
      const { token } = newUser();
      const { ticket } = (await generate(token).expect(201)).body;
      const answers = await Promise.all(Array.from({ length: 200 }, () => validate(ticket)));
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      expect(answers.filter((answer) => answer.body.valid === true)).toHaveLength(1);
    });

    it('refuses a sender-constrained ticket, which needs a proof of possession', async () => {
      const { subtle } = globalThis.crypto;
      const keys = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
      const publicKey = await subtle.exportKey('jwk', keys.publicKey);
      const { token } = newUser();
      const { ticket } = (await generate(token, { publicKey }).expect(201)).body;
      const before = (await http().get(STATUS).expect(200)).body.counters;
      expect((await validate(ticket).expect(200)).body).toEqual({ valid: false });
      const after = (await http().get(STATUS).expect(200)).body.counters;
      // Refused (unbound_proof), not consumed — and burnt all the same.
      expect(after.consumed).toBe(before.consumed);
      expect(after.rejected).toBe(before.rejected + 1);
      expect((await validate(ticket).expect(200)).body).toEqual({ valid: false });
    });
  });

  describe('revoke one', () => {
    it.each([
      ['POST .../revoke', (token: string, ticket: string) => http().post(REVOKE).set(bearer(token)).send({ ticket })],
      ['DELETE .../ticket/:ticket', (token: string, ticket: string) => http().delete(`${GENERATE}/${ticket}`).set(bearer(token))],
    ])('%s: the owner revokes (204), then it is gone (404)', async (_name, revoke) => {
      const { token } = newUser();
      const { ticket } = (await generate(token).expect(201)).body;
      await revoke(token, ticket).expect(204);
      const again = await revoke(token, ticket).expect(404);
      expect(again.body).toEqual({ statusCode: 404, code: 'TICKET_NOT_FOUND', message: 'Ticket not found' });
    });

    it("answers 404 for someone else's ticket and leaves it usable", async () => {
      const owner = newUser();
      const intruder = newUser();
      const { ticket } = (await generate(owner.token).expect(201)).body;
      await http().post(REVOKE).set(bearer(intruder.token)).send({ ticket }).expect(404);
      await http().delete(`${GENERATE}/${ticket}`).set(bearer(intruder.token)).expect(404);
      expect((await validate(ticket).expect(200)).body.valid).toBe(true);
    });

    it("lets tickets:admin revoke anyone's ticket", async () => {
      const { token } = newUser();
      const { ticket } = (await generate(token).expect(201)).body;
      await http().post(REVOKE).set(bearer(admin)).send({ ticket }).expect(204);
    });

    it.each([['malformed', 'nope'], ['unknown', `tkt_${'B'.repeat(43)}`], ['very long', 'x'.repeat(3000)]])(
      'answers 404 for a %s ticket on both forms',
      async (_name, ticket) => {
        const { token } = newUser();
        await http().post(REVOKE).set(bearer(token)).send({ ticket }).expect(404);
        await http().delete(`${GENERATE}/${encodeURIComponent(ticket)}`).set(bearer(token)).expect(404);
      },
    );

    it('answers 404 for a used ticket', async () => {
      const { token } = newUser();
      const { ticket } = (await generate(token).expect(201)).body;
      await validate(ticket);
      await http().post(REVOKE).set(bearer(token)).send({ ticket }).expect(404);
    });

    it('refuses a missing ticket field with 400 and a missing token with 401', async () => {
      const { token } = newUser();
      expect((await http().post(REVOKE).set(bearer(token)).send({}).expect(400)).body.code).toBe('VALIDATION_FAILED');
      await http().post(REVOKE).send({ ticket: 'x' }).expect(401);
      await http().delete(`${GENERATE}/tkt_x`).expect(401);
    });
  });

  describe('revoke all', () => {
    it("revokes every unconsumed ticket of the caller and nobody else's", async () => {
      const me = newUser();
      const bystander = newUser();
      const mine = [];
      for (let i = 0; i < 3; i++) mine.push((await generate(me.token).expect(201)).body.ticket);
      const theirs = (await generate(bystander.token).expect(201)).body.ticket;
      await validate(mine[0]);

      const res = await http().delete(REVOKE_ALL).set(bearer(me.token)).expect(200);
      expect(res.body).toEqual({ revoked: 2, disconnected: 0 });
      expect((await validate(mine[1])).body.valid).toBe(false);
      expect((await validate(theirs)).body.valid).toBe(true);
    });

    it("revokes another user's tickets only with tickets:admin", async () => {
      const target = newUser();
      await generate(target.token).expect(201);
      const res = await http().delete(REVOKE_ALL).query({ userId: target.sub }).set(bearer(newUser().token)).expect(403);
      expect(res.body.message).toContain('tickets:admin');
      expect((await http().delete(REVOKE_ALL).query({ userId: target.sub, disconnect: 'true', reason: 'offboarded' }).set(bearer(admin)).expect(200)).body).toEqual({ revoked: 1, disconnected: 0 });
    });

    it.each([
      [{ disconnect: 'yes' }, 'disconnect'],
      [{ reason: 'r'.repeat(65) }, 'reason'],
      [{ userId: '' }, 'userId'],
      [{ unexpected: '1' }, 'unexpected'],
    ])('refuses query %j with 400 naming %s', async (query, field) => {
      const res = await http().delete(REVOKE_ALL).query(query).set(bearer(admin)).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.message)).toContain(field);
    });

    it.each(['__proto__=x', 'constructor=x', 'toString=1&hasOwnProperty=1'])('refuses query %s with 400 naming each key', async (query) => {
      const res = await http().delete(`${REVOKE_ALL}?${query}`).set(bearer(admin)).expect(400);
      const keys = query.split('&').map((pair) => pair.split('=')[0]);
      expect(res.body).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', message: keys.map((key) => `property ${key} should not exist`) });
    });

    it('requires a token', async () => {
      await http().delete(REVOKE_ALL).expect(401);
    });
  });

  describe('status, health, docs, unknown routes', () => {
    it('reports the store, settings and counters without user data', async () => {
      const before = (await http().get(STATUS).expect(200)).body;
      const { token, sub } = newUser();
      const { ticket } = (await generate(token).expect(201)).body;
      await validate(ticket);
      await validate(ticket);
      const res = await http().get(STATUS).expect(200);

      expect(res.body).toEqual({
        status: 'ok',
        version: '1.0.0',
        store: { kind, connected: true, latencyMs: expect.any(Number) },
        tickets: { defaultTtlSeconds: 300, minTtlSeconds: 30, maxTtlSeconds: 3600 },
        counters: { issued: expect.any(Number), consumed: expect.any(Number), rejected: expect.any(Number), revoked: expect.any(Number) },
        sockets: { connected: expect.any(Number) },
        instance: { id: expect.any(String), uptimeSeconds: expect.any(Number) },
      });
      expect(res.body.counters.issued).toBe(before.counters.issued + 1);
      expect(res.body.counters.consumed).toBe(before.counters.consumed + 1);
      expect(res.body.counters.rejected).toBe(before.counters.rejected + 1);
      expect(JSON.stringify(res.body)).not.toContain(sub);
    });

    it('reports health in terminus format', async () => {
      const indicator = kind === 'redis' ? 'redis' : 'store';
      for (const path of ['/health', '/health/ready']) {
        const res = await http().get(path).expect(200);
        expect(res.body).toMatchObject({ status: 'ok', info: { [indicator]: { status: 'up' } } });
      }
      expect((await http().get('/health/live').expect(200)).body.status).toBe('ok');
    });

    it('publishes an OpenAPI document listing every route with bearer security', async () => {
      const { body } = await http().get('/docs-json').expect(200);
      expect(Object.keys(body.paths)).toEqual(
        expect.arrayContaining([
          GENERATE, '/api/v1/auth/generate-ticket', '/auth/generate-ticket', VALIDATE, REVOKE,
          '/api/v1/websocket/ticket/{ticket}', REVOKE_ALL, STATUS, '/health', '/health/live', '/health/ready',
        ]),
      );
      expect(body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(Object.keys(body.paths[GENERATE].post.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '413', '429', '503']));
      expect(body.components.schemas.CreateTicketDto.properties).toHaveProperty('ttlSeconds');
      await http().get('/docs').expect(200);
    });

    it('answers unknown routes with 404 NOT_FOUND, whatever their body', async () => {
      const res = await http().get('/api/v1/nothing-here').expect(404);
      expect(res.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: expect.any(String) });
      for (const type of ['application/json', 'text/plain']) {
        const withBody = await http().post('/api/v1/nothing-here').set('content-type', type).send('{"malformed').expect(404);
        expect(withBody.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'Route not found' });
      }
    });

    it('echoes a sane X-Request-Id and replaces a hostile one', async () => {
      expect((await http().get(STATUS).set('x-request-id', 'req-abc.123').expect(200)).headers['x-request-id']).toBe('req-abc.123');
      const replaced = (await http().get(STATUS).set('x-request-id', 'a b\tc'.repeat(50)).expect(200)).headers['x-request-id'];
      expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});

describe('tickets in Redis', () => {
  let app: NestFastifyApplication;
  let redis: Redis;
  const prefix = uniquePrefix('secrecy');

  beforeAll(async () => {
    app = await createTestApp({ REDIS_URL: LOCAL_REDIS_URL, REDIS_KEY_PREFIX: prefix });
    redis = new Redis(LOCAL_REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await app.close();
  });

  it('never holds the ticket string in any key or value, and every key carries the prefix', async () => {
    const { token } = newUser();
    const tickets: string[] = [];
    for (let i = 0; i < 3; i++) {
      tickets.push((await request(app.getHttpServer()).post(GENERATE).set(bearer(token)).send({ metadata: { n: i } }).expect(201)).body.ticket);
    }
    await request(app.getHttpServer()).post(VALIDATE).set(bearer(validator)).send({ ticket: tickets[0] }).expect(200);
    await request(app.getHttpServer()).post(REVOKE).set(bearer(token)).send({ ticket: tickets[1] }).expect(204);

    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThanOrEqual(4);
    const dump: string[] = [...keys];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') dump.push((await redis.get(key)) ?? '');
      if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(key)));
      if (type === 'zset') dump.push(JSON.stringify(await redis.zrangebyscore(key, '-inf', '+inf', 'WITHSCORES')));
    }
    const everything = dump.join('\n');
    for (const ticket of tickets) {
      expect(everything).not.toContain(ticket);
      expect(everything).not.toContain(ticket.slice(4));
    }
    // The dump did read the stored records (so the absence above means something).
    expect(everything).toContain('metadata');
  });
});

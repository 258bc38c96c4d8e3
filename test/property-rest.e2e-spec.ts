import fc from 'fast-check';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { ERROR_STATUS } from '../src/common/errors';
import { createTestApp, redisEnv } from './support/test-app';
import { bearer, devToken } from './support/tokens';

const CODES = new Set(Object.keys(ERROR_STATUS).filter((code) => code !== 'INTERNAL_ERROR'));
const RUNS = Number(process.env.PROPERTY_RUNS ?? 120);

/** Every answer is below 500, and every error is a contract JSON error whose status matches its code. */
function expectContractAnswer(res: request.Response): void {
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(CODES.has(res.body.code)).toBe(true);
    expect(res.body.statusCode).toBe(res.status);
    expect(ERROR_STATUS[res.body.code as keyof typeof ERROR_STATUS]).toBe(res.status);
    expect(typeof res.body.message === 'string' || Array.isArray(res.body.message)).toBe(true);
  }
}

const headerText = fc.string({ unit: fc.constantFrom(...' !#$%&()*+,-./0123456789:;<=>?@ABCXYZabcxyz[]^_`{|}~'.split('')), maxLength: 200 });
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record(
    {
      ttlSeconds: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.boolean()),
      permissions: fc.oneof(fc.array(fc.string({ maxLength: 80 }), { maxLength: 40 }), fc.jsonValue({ maxDepth: 2 })),
      metadata: fc.jsonValue({ maxDepth: 3 }),
      publicKey: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ kty: fc.constant('EC'), crv: fc.constant('P-256'), x: fc.base64String(), y: fc.base64String() })),
      ticket: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 })),
    },
    { requiredKeys: [] },
  ),
);

describe('hostile REST input never yields a 5xx', () => {
  let app: NestFastifyApplication;
  const admin = devToken({ sub: 'fuzz', permissions: ['chat:read', 'tickets:validate', 'tickets:admin'] });
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({ ...redisEnv('property'), TICKET_RATE_LIMIT_PER_MINUTE: '100000', TICKET_MAX_ACTIVE_PER_USER: '10000' });
  });
  afterAll(() => app.close());

  it.each([
    ['generate', '/api/v1/websocket/ticket'],
    ['validate', '/api/v1/websocket/ticket/validate'],
    ['revoke', '/api/v1/websocket/ticket/revoke'],
  ])('%s: any JSON body', async (_name, path) => {
    await fc.assert(
      fc.asyncProperty(jsonBody, async (body) => {
        const res = await http().post(path).set(bearer(admin)).set('content-type', 'application/json').send(JSON.stringify(body));
        expectContractAnswer(res);
      }),
      { numRuns: RUNS },
    );
  });

  it('any raw bytes with any content type', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', 'multipart/form-data'), async (bytes, type) => {
        const res = await http().post('/api/v1/websocket/ticket').set(bearer(admin)).set('content-type', type).send(Buffer.from(bytes));
        expectContractAnswer(res);
      }),
      { numRuns: RUNS },
    );
  });

  it('any Authorization header', async () => {
    await fc.assert(
      fc.asyncProperty(headerText, fc.constantFrom('', 'Bearer ', 'bearer ', 'Basic '), async (value, scheme) => {
        const res = await http().post('/api/v1/websocket/ticket').set('authorization', scheme + value).send({});
        expectContractAnswer(res);
        expect(res.status).toBe(401);
      }),
      { numRuns: RUNS },
    );
  });

  it('any JWT-shaped token', async () => {
    const segment = fc.oneof(fc.base64String({ maxLength: 120 }), fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')));
    await fc.assert(
      fc.asyncProperty(segment, segment, segment, async (a, b, c) => {
        const res = await http().post('/api/v1/websocket/ticket').set('authorization', `Bearer ${a}.${b}.${c}`).send({});
        expectContractAnswer(res);
        expect(res.status).toBe(401);
      }),
      { numRuns: RUNS },
    );
  });

  it('any path parameter on DELETE .../ticket/:ticket', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 300 }), async (ticket) => {
        const res = await http().delete(`/api/v1/websocket/ticket/${encodeURIComponent(ticket)}`).set(bearer(admin));
        expectContractAnswer(res);
        expect(res.status).toBe(404);
      }),
      { numRuns: RUNS },
    );
  });

  it('any query on DELETE .../tickets', async () => {
    const key = fc.constantFrom('userId', 'disconnect', 'reason', 'other', 'userId[]', 'disconnect[a]');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('true', 'false'))), async (query) => {
        const res = await http().delete('/api/v1/websocket/tickets').query(query).set(bearer(admin));
        expectContractAnswer(res);
      }),
      { numRuns: RUNS },
    );
  });

  it('is still serving afterwards', async () => {
    await http().post('/api/v1/websocket/ticket').set(bearer(admin)).send({}).expect(201);
  });
});

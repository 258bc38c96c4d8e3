import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { RedisServer } from './support/redis-server';
import { createTestApp, uniquePrefix } from './support/test-app';
import { bearer, devToken } from './support/tokens';

const GENERATE = '/api/v1/websocket/ticket';
const VALIDATE = '/api/v1/websocket/ticket/validate';
const validator = devToken({ sub: 'svc', permissions: ['tickets:validate'] });

/** Polls `probe` until it returns true or `timeoutMs` passes; returns the time it took. */
async function eventually(probe: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await probe()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe('Redis outage and recovery', () => {
  let redis: RedisServer;
  let app: NestFastifyApplication;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    redis = await RedisServer.start();
    app = await createTestApp({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: uniquePrefix('outage') });
  });
  afterAll(async () => {
    await app.close();
    await redis.stop();
    process.off('unhandledRejection', onUnhandled);
  });

  it('answers 503 STORE_UNAVAILABLE fast while Redis is down, never valid: true, then recovers by itself', async () => {
    const token = devToken({ sub: 'outage-user', permissions: ['chat:read'] });
    const { ticket } = (await http().post(GENERATE).set(bearer(token)).send({}).expect(201)).body;

    await redis.stop();

    const started = Date.now();
    const generate = await http().post(GENERATE).set(bearer(token)).send({});
    const validate = await http().post(VALIDATE).set(bearer(validator)).send({ ticket });
    const elapsed = Date.now() - started;

    for (const res of [generate, validate]) {
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ statusCode: 503, code: 'STORE_UNAVAILABLE', message: expect.any(String) });
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Both answers together, each well within a second: commands fail fast, they do not queue.
    expect(elapsed).toBeLessThan(2_000);

    const health = await http().get('/health').expect(503);
    expect(health.body).toMatchObject({ status: 'error', error: { redis: { status: 'down' } } });
    await http().get('/health/ready').expect(503);
    await http().get('/health/live').expect(200);

    const status = await http().get('/api/v1/websocket/ticket/status').expect(200);
    expect(status.body).toMatchObject({ status: 'degraded', store: { kind: 'redis', connected: false, latencyMs: null } });

    await redis.restart();
    await eventually(async () => (await http().get('/health')).status === 200, 10_000);

    // The ticket minted before the outage is gone (nothing persisted), and new ones work again.
    expect((await http().post(VALIDATE).set(bearer(validator)).send({ ticket }).expect(200)).body.valid).toBe(false);
    const fresh = (await http().post(GENERATE).set(bearer(token)).send({}).expect(201)).body.ticket;
    expect((await http().post(VALIDATE).set(bearer(validator)).send({ ticket: fresh }).expect(200)).body.valid).toBe(true);
    expect((await http().get('/api/v1/websocket/ticket/status').expect(200)).body.status).toBe('ok');
    expect(unhandled).toEqual([]);
  });
});

describe('/health when Redis refuses our credentials', () => {
  const PASSWORD = 'health-test-password-0123456789';
  let redis: RedisServer;
  let app: NestFastifyApplication | undefined;

  beforeAll(async () => {
    redis = await RedisServer.start(undefined, ['--requirepass', PASSWORD]);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(() => redis.stop());

  it.each([
    ['a wrong password', `redis://:wrong-${PASSWORD}@127.0.0.1`, /WRONGPASS/],
    ['no password', 'redis://127.0.0.1', /NOAUTH/],
  ])('with %s: 503 names the refusal, never a password', async (_case, base, reason) => {
    const url = base.replace('127.0.0.1', `127.0.0.1:${redis.port}`);
    app = await createTestApp({ REDIS_URL: url, REDIS_KEY_PREFIX: uniquePrefix('health-auth'), REDIS_CONNECT_TIMEOUT_MS: '500' });
    const health = await request(app.getHttpServer()).get('/health').expect(503);
    expect(health.body).toEqual({
      status: 'error',
      info: {},
      error: { redis: { status: 'down', message: expect.stringMatching(reason) } },
      details: { redis: { status: 'down', message: expect.stringMatching(reason) } },
    });
    expect(JSON.stringify(health.body)).not.toContain(PASSWORD);
    expect((await request(app.getHttpServer()).get('/health/ready').expect(503)).body.error.redis.message).toMatch(reason);
  });
});

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import request from 'supertest';
import { freePort, RedisServer } from './support/redis-server';
import { runTs } from './support/spawn';
import { createTestApp, LOCAL_REDIS_URL, uniquePrefix } from './support/test-app';
import { bearer, devToken } from './support/tokens';

// ioredis reports a refused SELECT as an 'error' and then works in database 0 regardless.
describe('a REDIS_URL database the server does not have', () => {
  it('stops start-up with one line naming REDIS_URL and the database, no stack trace', async () => {
    const { code, stdout, stderr } = await runTs('src/main.ts', [], {
      PORT: String(await freePort()),
      REDIS_URL: `${LOCAL_REDIS_URL}/99`,
      REDIS_KEY_PREFIX: uniquePrefix('missing-db'),
    }, 30_000);
    expect(code).toBe(1);
    expect(stderr).toBe('Invalid environment variables: REDIS_URL selects database 99, which this Redis server refuses (ERR DB index is out of range)\n');
    expect(stdout).not.toMatch(/\n\s+at /);
  }, 40_000);

  describe('found only once Redis turns up after start-up', () => {
    let port: number;
    let redis: RedisServer | undefined;
    let app: NestFastifyApplication;
    const keyPrefix = uniquePrefix('late-db');

    beforeAll(async () => {
      port = await freePort();
      // Nothing listens on the port yet: the app starts degraded, as it does while Redis is down.
      app = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}/5`, REDIS_CONNECT_TIMEOUT_MS: '200', REDIS_KEY_PREFIX: keyPrefix });
    });
    afterAll(async () => {
      await app.close();
      await redis?.stop();
    });

    it('reports unhealthy naming the problem and writes nothing to database 0', async () => {
      redis = await RedisServer.start(port, ['--databases', '2']);
      const http = () => request(app.getHttpServer());
      const problem = 'REDIS_URL selects database 5, which this Redis server refuses (ERR DB index is out of range)';
      const deadline = Date.now() + 10_000;
      let health = await http().get('/health/ready');
      while (health.body.error?.redis?.message !== problem && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        health = await http().get('/health/ready');
      }
      expect(health.status).toBe(503);
      expect(health.body.error.redis.message).toBe(problem);

      const generated = await http().post('/api/v1/websocket/ticket').set(bearer(devToken({ sub: 'alice' }))).send({});
      expect(generated.status).toBe(503);
      expect(generated.body.code).toBe('STORE_UNAVAILABLE');
      const direct = new Redis(port, '127.0.0.1');
      try {
        // Only this app's keys: a port freed by another suite's stopped server can still have that
        // suite's clients reconnecting to it, and they write to database 0.
        expect(await direct.keys(`${keyPrefix}*`)).toEqual([]);
      } finally {
        direct.disconnect();
      }
    }, 20_000);
  });
});

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import request from 'supertest';
import { RedisServer } from './support/redis-server';
import { createTestApp, uniquePrefix } from './support/test-app';
import { bearer, devToken } from './support/tokens';
import { ConnectError, listen, SocketClients } from './support/ws-client';

const GENERATE = '/api/v1/websocket/ticket';
const VALIDATE = '/api/v1/websocket/ticket/validate';
const validator = devToken({ sub: 'svc', permissions: ['tickets:validate'] });

describe('Redis faults under load', () => {
  let redis: RedisServer;
  let app: NestFastifyApplication;
  let url: string;
  const clients = new SocketClients({ transports: ['websocket'] });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    // DEBUG SLEEP stands in for a Redis that stops answering without closing connections.
    redis = await RedisServer.start(undefined, ['--enable-debug-command', 'yes']);
    app = await createTestApp({
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: uniquePrefix('faults'),
      TICKET_RATE_LIMIT_PER_MINUTE: '100000',
      TICKET_MAX_ACTIVE_PER_USER: '10000',
      WS_FAILED_HANDSHAKES_PER_MINUTE: '100000',
    });
    url = await listen(app);
  });
  afterAll(async () => {
    clients.closeAll();
    await app.close();
    await redis.stop();
    process.off('unhandledRejection', onUnhandled);
  });

  it('answers a slow Redis with timely 503s, not hangs', async () => {
    const token = devToken({ sub: 'slow-user' });
    const blocker = new Redis(redis.port, '127.0.0.1');
    const sleeping = blocker.call('DEBUG', 'SLEEP', '2');
    await new Promise((resolve) => setTimeout(resolve, 50));

    for (const [method, path, body, token_] of [
      ['post', GENERATE, {}, token],
      ['post', VALIDATE, { ticket: `tkt_${'C'.repeat(43)}` }, validator],
    ] as const) {
      const started = Date.now();
      const res = await http()[method](path).set(bearer(token_)).send(body);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('STORE_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(1_000);
    }
    const started = Date.now();
    await http().get('/health').expect(503);
    expect(Date.now() - started).toBeLessThan(1_500);

    await sleeping;
    blocker.disconnect();
    await http().post(GENERATE).set(bearer(token)).send({}).expect(201);
  });

  it('survives Redis being killed and restarted mid-load (REST and handshakes): only 2xx/503, no ticket accepted twice, back within 10 s', async () => {
    const statuses = new Map<number, number>();
    const acceptedTimes = new Map<string, number>();
    const issued: string[] = [];
    const handshakes = new Map<string, number>();
    let running = true;
    let restartedAt = 0;
    let firstSuccessAfterRestart = 0;

    const note = (status: number) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (restartedAt && !firstSuccessAfterRestart && status < 300) firstSuccessAfterRestart = Date.now();
    };
    const worker = async (id: number) => {
      const token = devToken({ sub: `load-${id}` });
      while (running) {
        const generated = await http().post(GENERATE).set(bearer(token)).send({ ttlSeconds: 60 });
        note(generated.status);
        if (generated.status === 201) issued.push(generated.body.ticket);
        const candidate = issued[Math.floor(Math.random() * issued.length)];
        if (!candidate) continue;
        // Present tickets more than once on purpose, over REST and in socket handshakes: a replay
        // must never be accepted, whichever way it comes.
        const accept = () => acceptedTimes.set(candidate, (acceptedTimes.get(candidate) ?? 0) + 1);
        if (Math.random() < 0.5) {
          const validated = await http().post(VALIDATE).set(bearer(validator)).send({ ticket: candidate });
          note(validated.status);
          if (validated.status === 200 && validated.body.valid) accept();
        } else {
          const outcome = await clients.connect(url, { auth: { ticket: candidate } }).then(
            (socket) => {
              socket.disconnect();
              return 'connected';
            },
            (error: ConnectError) => error.message,
          );
          handshakes.set(outcome, (handshakes.get(outcome) ?? 0) + 1);
          if (outcome === 'connected') accept();
        }
      }
    };

    const workers = Array.from({ length: 8 }, (_, id) => worker(id));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await redis.restart();
    restartedAt = Date.now();
    const deadline = Date.now() + 10_000;
    while (!firstSuccessAfterRestart && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 500));
    running = false;
    await Promise.all(workers);

    expect(firstSuccessAfterRestart).toBeGreaterThan(0);
    expect(firstSuccessAfterRestart - restartedAt).toBeLessThan(10_000);
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 201, 503]));
    expect([...statuses.keys()].every((status) => [200, 201, 503].includes(status))).toBe(true);
    expect([...acceptedTimes.values()].every((times) => times === 1)).toBe(true);
    expect(handshakes.get('connected')).toBeGreaterThan(0);
    expect([...handshakes.keys()].every((outcome) => ['connected', 'TICKET_INVALID', 'AUTH_UNAVAILABLE'].includes(outcome))).toBe(true);
    expect(acceptedTimes.size).toBeGreaterThan(0);
    expect(unhandled).toEqual([]);
    await http().get('/health').expect(200);
  }, 30_000);
});

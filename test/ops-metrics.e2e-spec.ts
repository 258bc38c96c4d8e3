import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { MetricsService } from '../src/metrics/metrics.service';
import { SocketSessionsRegistry } from '../src/tickets/socket-sessions.registry';
import { metricTypes, parseSamples, Sample, valueOf } from './support/prometheus-text';
import { RedisServer } from './support/redis-server';
import { createTestApp, Env, redisEnv } from './support/test-app';
import { bearer, devToken } from './support/tokens';
import { listen, SocketClients } from './support/ws-client';

const GENERATE = '/api/v1/websocket/ticket';
const VALIDATE = '/api/v1/websocket/ticket/validate';
const STATUS = '/api/v1/websocket/ticket/status';
const REASONS = ['replayed', 'revoked', 'unknown_or_expired', 'unbound_proof', 'malformed'];

const stores: Array<[string, () => Env]> = [
  ['memory', () => ({})],
  ['redis', () => redisEnv('ops-metrics')],
];

describe.each(stores)('GET /metrics on the %s store', (_kind, envFor) => {
  let app: NestFastifyApplication;
  const http = () => request(app.getHttpServer());
  const scrape = async () => {
    const res = await http().get('/metrics').expect(200);
    return { text: res.text, samples: parseSamples(res.text), contentType: res.headers['content-type'] };
  };

  beforeAll(async () => {
    app = await createTestApp(envFor());
  });
  afterAll(() => app.close());

  it('answers without a token in the Prometheus text format, with every contract metric and the process metrics', async () => {
    const { text, contentType } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metricTypes(text)).toMatchObject({
      ticketgate_tickets_issued_total: 'counter',
      ticketgate_tickets_consumed_total: 'counter',
      ticketgate_tickets_rejected_total: 'counter',
      ticketgate_tickets_revoked_total: 'counter',
      ticketgate_ws_connections: 'gauge',
      ticketgate_ws_auth_total: 'counter',
      ticketgate_store_up: 'gauge',
      ticketgate_http_request_duration_seconds: 'histogram',
      process_cpu_seconds_total: 'counter',
      process_resident_memory_bytes: 'gauge',
      nodejs_eventloop_lag_seconds: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
    });
  });

  describe('after a flow that refuses a ticket for every reason', () => {
    const user = `metrics-${randomUUID().slice(0, 8)}`;
    const token = devToken({ sub: user, email: `${user}@example.com`, permissions: ['chat:read'] });
    const validator = devToken({ sub: 'metrics-validator', permissions: ['tickets:validate'] });
    let samples: Sample[];
    let text: string;
    let status: { counters: Record<string, number>; sockets: { connected: number } };

    const issue = async (body: object = {}) => (await http().post(GENERATE).set(bearer(token)).send(body).expect(201)).body.ticket as string;
    const validate = async (ticket: string) => (await http().post(VALIDATE).set(bearer(validator)).send({ ticket }).expect(200)).body.valid;

    beforeAll(async () => {
      const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
      const [used, revoked, bound] = [await issue(), await issue(), await issue({ publicKey })];
      await issue(); // left for revoke-all

      expect(await validate(used)).toBe(true);
      expect(await validate(used)).toBe(false); // replayed
      await http().post('/api/v1/websocket/ticket/revoke').set(bearer(token)).send({ ticket: revoked }).expect(204);
      expect(await validate(revoked)).toBe(false); // revoked
      expect(await validate(bound)).toBe(false); // unbound_proof: a bound ticket needs a handshake proof
      expect(await validate(`tkt_${randomBytes(32).toString('base64url')}`)).toBe(false); // unknown_or_expired
      expect(await validate('tkt_not-a-ticket')).toBe(false); // malformed
      await http().delete('/api/v1/websocket/tickets').set(bearer(token)).expect(200, { revoked: 1, disconnected: 0 });
      await http().delete(`${GENERATE}/${used}`).set(bearer(token)).expect(404);
      await http().get(`/no/such/route/${used}`).expect(404);

      status = (await http().get(STATUS).expect(200)).body;
      ({ samples, text } = await scrape());
    });

    it('counts refusals by reason', () => {
      for (const reason of REASONS) {
        expect([reason, valueOf(samples, 'ticketgate_tickets_rejected_total', { reason })]).toEqual([reason, 1]);
      }
    });

    it('agrees with the status endpoint', () => {
      expect(valueOf(samples, 'ticketgate_tickets_issued_total')).toBe(4);
      expect(valueOf(samples, 'ticketgate_tickets_revoked_total')).toBe(2);
      const rejected = samples.filter((s) => s.name === 'ticketgate_tickets_rejected_total').reduce((sum, s) => sum + s.value, 0);
      expect(status.counters).toEqual({
        issued: valueOf(samples, 'ticketgate_tickets_issued_total'),
        consumed: valueOf(samples, 'ticketgate_tickets_consumed_total'),
        rejected,
        revoked: valueOf(samples, 'ticketgate_tickets_revoked_total'),
      });
      expect(status.sockets.connected).toBe(valueOf(samples, 'ticketgate_ws_connections'));
    });

    it('times requests by route template and status, never by raw path', () => {
      const count = (labels: Record<string, string>) => valueOf(samples, 'ticketgate_http_request_duration_seconds_count', labels);
      expect(count({ method: 'POST', route: VALIDATE, status_code: '200' })).toBe(6);
      expect(count({ method: 'POST', route: GENERATE, status_code: '201' })).toBe(4);
      expect(count({ method: 'DELETE', route: `${GENERATE}/:ticket`, status_code: '404' })).toBe(1);
      expect(count({ method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
      expect(valueOf(samples, 'ticketgate_http_request_duration_seconds_sum', { route: VALIDATE })).toBeGreaterThan(0);
      const routes = new Set(samples.filter((s) => s.labels.route !== undefined).map((s) => s.labels.route));
      expect([...routes].filter((route) => route !== 'unmatched' && !route.startsWith('/'))).toEqual([]);
    });

    it('holds no user data, ticket or token', () => {
      expect(text).not.toContain(user);
      expect(text).not.toContain('tkt_');
      expect(text).not.toContain('eyJ');
    });

    it('reports the store as up', () => {
      expect(valueOf(samples, 'ticketgate_store_up')).toBe(1);
    });
  });

  it('exports socket auth results the gateway records, and the connected sockets at scrape time', async () => {
    app.get(MetricsService).recordWsAuth('ticket', 'ok');
    app.get(MetricsService).recordWsAuth('jwt', 'refused');
    app.get(SocketSessionsRegistry).register({ connectedCount: () => 3, disconnectUser: async () => 0 });

    const { samples } = await scrape();
    expect(valueOf(samples, 'ticketgate_ws_auth_total', { method: 'ticket', result: 'ok' })).toBe(1);
    expect(valueOf(samples, 'ticketgate_ws_auth_total', { method: 'jwt', result: 'refused' })).toBe(1);
    // Every method/result pair exists from the start, so alert ratios never divide by a missing series.
    // (`none` is only ever refused: it counts refusals that examined no credential.)
    expect(samples.filter((s) => s.name === 'ticketgate_ws_auth_total')).toHaveLength(11);
    expect(valueOf(samples, 'ticketgate_ws_auth_total', { method: 'none', result: 'refused' })).toBe(0);
    expect(valueOf(samples, 'ticketgate_ws_connections')).toBe(3);
    expect((await http().get(STATUS).expect(200)).body.sockets.connected).toBe(3);
  });
});

describe('ticketgate_ws_auth_total counts every refused handshake', () => {
  const ALLOWED_ORIGIN = 'https://app.example.com';
  let app: NestFastifyApplication;
  let url: string;
  const clients = new SocketClients();
  const wsAuth = async () =>
    parseSamples((await request(app.getHttpServer()).get('/metrics').expect(200)).text)
      .filter((sample) => sample.name === 'ticketgate_ws_auth_total' && sample.value > 0)
      .map(({ labels, value }) => `${labels.method}/${labels.result}=${value}`)
      .sort();

  beforeAll(async () => {
    app = await createTestApp({ ...redisEnv('ops-metrics-ws'), WS_ALLOWED_ORIGINS: ALLOWED_ORIGIN, WS_FAILED_HANDSHAKES_PER_MINUTE: '3' });
    url = await listen(app);
  });
  afterEach(() => clients.closeAll());
  afterAll(() => app.close());

  it('as method "none" when no credential was examined: AUTH_REQUIRED, FORBIDDEN_ORIGIN and RATE_LIMITED', async () => {
    const refusedWith = async (options: Parameters<SocketClients['refuse']>[1]) => (await clients.refuse(url, options)).message;
    expect(await refusedWith({})).toBe('AUTH_REQUIRED');
    expect(await wsAuth()).toEqual(['none/refused=1']);
    expect(await refusedWith({ auth: { token: devToken() }, extraHeaders: { Origin: 'https://evil.example.com' }, transports: ['websocket'] })).toBe('FORBIDDEN_ORIGIN');
    expect(await wsAuth()).toEqual(['none/refused=2']);
    expect(await refusedWith({ auth: { ticket: 'tkt_nope' } })).toBe('TICKET_INVALID');
    expect(await wsAuth()).toEqual(['none/refused=2', 'ticket/refused=1']);
    // The address spent its budget of 3: even a good JWT is refused now, and counted.
    expect(await refusedWith({ auth: { token: devToken() } })).toBe('RATE_LIMITED');
    expect(await wsAuth()).toEqual(['none/refused=3', 'ticket/refused=1']);
  });
});

describe('ticketgate_store_up when Redis goes away', () => {
  let redis: RedisServer;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    redis = await RedisServer.start();
    app = await createTestApp({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'ops-metrics-outage:' });
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  it('reads 1 while Redis answers, 0 at the next scrape once it does not (as the status says), and 1 again when it is back', async () => {
    const storeUp = async () => valueOf(parseSamples((await request(app.getHttpServer()).get('/metrics').expect(200)).text), 'ticketgate_store_up');
    expect(await storeUp()).toBe(1);

    await redis.stop();
    const started = Date.now();
    expect(await storeUp()).toBe(0);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect((await request(app.getHttpServer()).get(STATUS).expect(200)).body.store.connected).toBe(false);

    // Back to 1 once Redis returns (ioredis retries at most a second apart).
    await redis.restart();
    const deadline = Date.now() + 5_000;
    let up = await storeUp();
    while (up !== 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      up = await storeUp();
    }
    expect(up).toBe(1);
  });
});

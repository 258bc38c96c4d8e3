import { NestFastifyApplication } from '@nestjs/platform-fastify';
import jwt from 'jsonwebtoken';
// socket.io-client's CommonJS build drops its re-export of this transport.
import { Fetch, Socket as EngineSocket } from 'engine.io-client';
import request from 'supertest';
import { DEVELOPMENT_JWT_SECRET } from '../src/config/jwt.config';
import { TicketsService } from '../src/tickets/tickets.service';
import { TcpProxy } from './support/tcp-proxy';
import { createTestApp, LOCAL_REDIS_URL, redisEnv, uniquePrefix } from './support/test-app';
import { bearer, devToken } from './support/tokens';
import { ask, ClientOptions, ConnectError, issueTicket, listen, SocketClients } from './support/ws-client';

const UNKNOWN_TICKET = `tkt_${'A'.repeat(43)}`;
const ALLOWED_ORIGIN = 'https://app.example.com';

/** CONTRACT §4: `err.message` is the code and `err.data` is exactly `{ code, message }`. */
function expectCode(error: ConnectError, code: string): void {
  expect(error.message).toBe(code);
  expect(error.data).toEqual({ code, message: expect.any(String) });
}

describe('Socket.IO handshake refusals reach the client with their code', () => {
  let app: NestFastifyApplication;
  let url: string;
  const clients = new SocketClients();
  const alice = devToken({ sub: 'alice', permissions: ['chat:read'] });

  beforeAll(async () => {
    app = await createTestApp({ ...redisEnv('ws-errors'), WS_ALLOWED_ORIGINS: `${ALLOWED_ORIGIN}, https://admin.example.com`, WS_FAILED_HANDSHAKES_PER_MINUTE: '10000' });
    url = await listen(app);
  });
  afterEach(() => clients.closeAll());
  afterAll(() => app.close());

  describe.each(['websocket', 'polling'])('over %s', (transport) => {
    const refuse = (options: ClientOptions) => clients.refuse(url, { transports: [transport], ...options });

    it('AUTH_REQUIRED without any credential (empty values count as none)', async () => {
      expectCode(await refuse({}), 'AUTH_REQUIRED');
      expectCode(await refuse({ auth: { ticket: '', token: null } }), 'AUTH_REQUIRED');
    });

    it.each([
      ['a string', 'tkt_x'],
      ['an array', [UNKNOWN_TICKET]],
    ])('AUTH_REQUIRED when auth is %s rather than an object; other methods still apply', async (_kind, auth) => {
      // socket.io-client sends whatever its auth callback gives; Socket.IO's parser rejects a non-object.
      const malformed = { auth: (send: (data: object) => void) => send(auth as object) };
      const refusal = await refuse(malformed);
      expectCode(refusal, 'AUTH_REQUIRED');
      expect(refusal.data?.message).toMatch(/auth\.ticket/);
      const socket = await clients.connect(url, { transports: [transport], ...malformed, extraHeaders: { Authorization: `Bearer ${alice}` } });
      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'alice', authMethod: 'header' });
    });

    /** Sends one Socket.IO packet (engine.io adds its message type: `0"x"` goes out as `40"x"`), resolves with the first answer. */
    const answerTo = (packet: string) => {
      const engine = new EngineSocket(url, { path: '/socket.io/', transports: [transport] });
      engine.once('open', () => engine.send(packet));
      return new Promise<string>((resolve, reject) => {
        engine.once('message', (data) => resolve(String(data)));
        engine.once('close', (reason) => reject(new Error(`closed (${reason}) without an answer`)));
      }).finally(() => engine.close());
    };

    it.each(['0"x"', '0true', '0[]', '0null', '0{not json'])('answers the CONNECT packet 4%s with an AUTH_REQUIRED CONNECT_ERROR packet', async (packet) => {
      const answer = await answerTo(packet);
      expect(answer.startsWith('4{')).toBe(true);
      expect(JSON.parse(answer.slice(1))).toEqual({ message: 'AUTH_REQUIRED', data: { code: 'AUTH_REQUIRED', message: expect.any(String) } });
    });

    it('answers a malformed CONNECT packet to another namespace for that namespace', async () => {
      expect(await answerTo('0/admin,"x"')).toBe('4/admin,{"message":"Invalid namespace"}');
    });

    it.each([
      ['malformed', 'tkt_short'],
      ['unknown', UNKNOWN_TICKET],
      ['a number', 42],
      ['an object', { ticket: UNKNOWN_TICKET }],
      ['an array', [UNKNOWN_TICKET]],
      ['far too long', `tkt_${'A'.repeat(10_000)}`],
    ])('TICKET_INVALID for a ticket that is %s', async (_kind, ticket) => {
      expectCode(await refuse({ auth: { ticket } }), 'TICKET_INVALID');
    });

    it('TICKET_INVALID for a ticket whose minting JWT has expired, which is consumed all the same', async () => {
      const tickets = app.get(TicketsService);
      const { ticket } = await tickets.issue({ userId: 'alice', permissions: [], tokenExpiresAt: Math.floor(Date.now() / 1000) - 1 }, {});
      expectCode(await refuse({ auth: { ticket } }), 'TICKET_INVALID');
      const validator = devToken({ sub: 'svc', permissions: ['tickets:validate'] });
      const validation = await request(app.getHttpServer()).post('/api/v1/websocket/ticket/validate').set(bearer(validator)).send({ ticket });
      expect(validation.body).toEqual({ valid: false });
    });

    it.each([
      ['garbage', 'not.a.jwt'],
      ['signed with another secret', jwt.sign({ sub: 'alice' }, 'another-secret-that-is-long-enough-to-use', { algorithm: 'HS256' })],
      ['unsigned (alg none)', jwt.sign({ sub: 'alice' }, '', { algorithm: 'none' })],
      ['without a subject', devToken({ sub: undefined })],
      ['a number', 12345],
      ['an object', { token: 'x' }],
      ['Bearer with nothing after it', 'Bearer '],
      ['far too long', `eyJ${'A'.repeat(20_000)}`],
    ])('TOKEN_INVALID for auth.token that is %s', async (_kind, token) => {
      expectCode(await refuse({ auth: { token } }), 'TOKEN_INVALID');
    });

    it('TOKEN_INVALID for an Authorization header that is not Bearer <JWT>', async () => {
      expectCode(await refuse({ extraHeaders: { Authorization: 'Basic YWxpY2U6c2VjcmV0' } }), 'TOKEN_INVALID');
    });

    it('TOKEN_EXPIRED for an expired JWT, in auth.token or the header', async () => {
      const expired = jwt.sign({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 30 }, DEVELOPMENT_JWT_SECRET, { algorithm: 'HS256' });
      expectCode(await refuse({ auth: { token: expired } }), 'TOKEN_EXPIRED');
      expectCode(await refuse({ extraHeaders: { Authorization: `Bearer ${expired}` } }), 'TOKEN_EXPIRED');
    });
  });

  describe('WS_ALLOWED_ORIGINS', () => {
    // Node's XHR refuses to set Origin, so polling goes through fetch() here, as in modern browsers.
    describe.each([
      ['websocket', ['websocket']],
      ['polling', [Fetch]],
    ])('over %s', (_name, transports) => {
      const withOrigin = (origin: string, auth: object): ClientOptions => ({ transports: transports as ClientOptions['transports'], extraHeaders: { Origin: origin }, auth });

      it('refuses an unlisted Origin with FORBIDDEN_ORIGIN before looking at the credential', async () => {
        const { ticket } = await issueTicket(app, alice);
        expectCode(await clients.refuse(url, withOrigin('https://evil.example', { ticket })), 'FORBIDDEN_ORIGIN');
        // The ticket was not consumed by the refused handshake.
        const socket = await clients.connect(url, withOrigin(ALLOWED_ORIGIN, { ticket }));
        expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'alice', authMethod: 'ticket' });
      });

      it('accepts a listed Origin, and a handshake without Origin (non-browser clients)', async () => {
        await clients.connect(url, withOrigin('https://admin.example.com', { token: alice }));
        await clients.connect(url, { transports: transports as ClientOptions['transports'], auth: { token: alice } });
      });
    });

    it('answers long-polling CORS with credentials for listed origins only; others may read their refusal, without credentials', async () => {
      const handshake = (origin: string) => fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: origin } });
      const allowed = await handshake(ALLOWED_ORIGIN);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
      const denied = await handshake('https://evil.example');
      expect(denied.headers.get('access-control-allow-origin')).toBe('https://evil.example');
      expect(denied.headers.get('access-control-allow-credentials')).toBeNull();
      await Promise.all([allowed.text(), denied.text()]);
    });
  });
});

describe('AUTH_UNAVAILABLE while the ticket store does not answer', () => {
  let redis: TcpProxy;
  let app: NestFastifyApplication;
  let url: string;
  const clients = new SocketClients();
  const alice = devToken({ sub: 'alice' });

  beforeAll(async () => {
    const target = new URL(LOCAL_REDIS_URL);
    redis = await TcpProxy.start(Number(target.port || 6379), target.hostname);
    app = await createTestApp({
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      REDIS_KEY_PREFIX: uniquePrefix('ws-outage'),
      REDIS_COMMAND_TIMEOUT_MS: '100',
    });
    url = await listen(app);
  });
  afterEach(() => clients.closeAll());
  afterAll(async () => {
    redis.resume();
    await app.close();
    await redis.close();
  });

  it('refuses a ticket with AUTH_UNAVAILABLE, unless another credential verifies', async () => {
    const { ticket } = await issueTicket(app, alice);
    redis.pause();
    expectCode(await clients.refuse(url, { auth: { ticket } }), 'AUTH_UNAVAILABLE');
    expectCode(await clients.refuse(url, { auth: { ticket, token: 'not.a.jwt' } }), 'AUTH_UNAVAILABLE');
    const socket = await clients.connect(url, { auth: { ticket, token: alice } });
    expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'alice', authMethod: 'jwt' });
  });
});

describe('RATE_LIMITED after WS_FAILED_HANDSHAKES_PER_MINUTE refusals from one address', () => {
  let app: NestFastifyApplication;
  let url: string;
  const clients = new SocketClients();
  const alice = devToken({ sub: 'alice' });

  beforeAll(async () => {
    app = await createTestApp({ WS_FAILED_HANDSHAKES_PER_MINUTE: '3' });
    url = await listen(app);
  });
  afterEach(() => clients.closeAll());
  afterAll(() => app.close());

  it('counts refused handshakes and failed refreshes, then refuses everything, consuming nothing', async () => {
    const connected = await clients.connect(url, { auth: { token: alice } });
    expectCode(await clients.refuse(url, { auth: { ticket: UNKNOWN_TICKET } }), 'TICKET_INVALID');
    expectCode(await clients.refuse(url, { auth: { token: 'not.a.jwt' } }), 'TOKEN_INVALID');
    expect(await ask(connected, 'auth:refresh', { token: 'not.a.jwt' })).toEqual({ ok: false, code: 'TOKEN_INVALID' });

    const { ticket } = await issueTicket(app, alice);
    expectCode(await clients.refuse(url, { auth: { ticket } }), 'RATE_LIMITED');
    expectCode(await clients.refuse(url, { auth: { token: alice } }), 'RATE_LIMITED');
    expect(await ask(connected, 'auth:refresh', { token: alice })).toEqual({ ok: false, code: 'RATE_LIMITED' });

    const validator = devToken({ sub: 'svc', permissions: ['tickets:validate'] });
    const validation = await request(app.getHttpServer()).post('/api/v1/websocket/ticket/validate').set(bearer(validator)).send({ ticket });
    expect(validation.body).toMatchObject({ valid: true, userId: 'alice' });
  });
});

describe('WS_* configuration', () => {
  it.each([
    [{ WS_AUTH_METHODS: 'ticket,cookie' }, /WS_AUTH_METHODS.*unknown method "cookie"/],
    [{ WS_AUTH_METHODS: ' , ' }, /WS_AUTH_METHODS/],
    [{ WS_ALLOWED_ORIGINS: 'https://app.example.com/path' }, /WS_ALLOWED_ORIGINS/],
    [{ WS_FAILED_HANDSHAKES_PER_MINUTE: '0' }, /WS_FAILED_HANDSHAKES_PER_MINUTE/],
  ])('stops start-up naming the bad setting: %j', async (env, message) => {
    await expect(createTestApp(env)).rejects.toThrow(message);
  });
});

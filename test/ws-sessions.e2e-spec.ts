import { NestFastifyApplication } from '@nestjs/platform-fastify';
import jwt from 'jsonwebtoken';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { DEVELOPMENT_JWT_SECRET } from '../src/config/jwt.config';
import { createTestApp, redisEnv } from './support/test-app';
import { bearer, devToken } from './support/tokens';
import { ask, issueTicket, listen, nextEvent, SocketClients } from './support/ws-client';

/** A JWT valid for `seconds` more (exp has whole-second precision), and that exp in ms. */
function shortToken(sub: string, seconds: number, permissions: string[] = []): { token: string; expiresAtMs: number } {
  const exp = Math.floor(Date.now() / 1000) + seconds;
  return { token: jwt.sign({ sub, permissions, exp }, DEVELOPMENT_JWT_SECRET, { algorithm: 'HS256' }), expiresAtMs: exp * 1000 };
}

/** Resolves once the socket is disconnected, with the reason. */
const disconnected = (socket: Socket) => nextEvent<string>(socket, 'disconnect');

describe('Socket sessions', () => {
  let app: NestFastifyApplication;
  let url: string;
  const clients = new SocketClients();
  const writer = devToken({ sub: 'alice', email: 'alice@example.com', permissions: ['chat:read', 'chat:write'] });
  const reader = devToken({ sub: 'alice', permissions: ['chat:read'] });
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({ ...redisEnv('ws-sessions'), WS_FAILED_HANDSHAKES_PER_MINUTE: '10000' });
    url = await listen(app);
  });
  afterEach(() => clients.closeAll());
  afterAll(() => app.close());

  describe('whoami and permission-guarded events', () => {
    it('whoami answers socket.data.user and the session expiry (null without exp)', async () => {
      const noExp = jwt.sign({ sub: 'dave', permissions: ['chat:read'] }, DEVELOPMENT_JWT_SECRET, { algorithm: 'HS256' });
      const socket = await clients.connect(url, { auth: { token: noExp } });
      expect(await ask(socket, 'whoami')).toEqual({ userId: 'dave', permissions: ['chat:read'], authMethod: 'jwt', expiresAt: null });
    });

    it('echo answers { ok: true, data } with chat:write', async () => {
      const socket = await clients.connect(url, { auth: { token: writer } });
      expect(await ask(socket, 'echo', { text: 'hi', n: [1, 2] })).toEqual({ ok: true, data: { text: 'hi', n: [1, 2] } });
    });

    it('echo answers FORBIDDEN without chat:write, and the socket stays connected', async () => {
      const socket = await clients.connect(url, { auth: { token: reader } });
      expect(await ask(socket, 'echo', 'hi')).toEqual({ ok: false, code: 'FORBIDDEN' });
      expect(socket.connected).toBe(true);
      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'alice' });
    });

    it('without an ack, the refusal arrives as an exception event', async () => {
      const socket = await clients.connect(url, { auth: { token: reader } });
      const exception = nextEvent(socket, 'exception');
      socket.emit('echo', 'hi');
      expect(await exception).toEqual({ status: 'error', code: 'FORBIDDEN', message: 'Missing permission: chat:write' });
    });

    it('refuses an echo nested 5,000 levels deep with VALIDATION_FAILED, and the service and socket carry on', async () => {
      const socket = await clients.connect(url, { auth: { token: writer } });
      // Written as a raw Socket.IO packet (EVENT, ack id 900): the client library could not even
      // encode a value that deep, which is what took the server down when it tried to echo it.
      const answer = new Promise<string>((resolve) => {
        const onMessage = (packet: string) => {
          if (!packet.startsWith('3900')) return;
          socket.io.engine.off('message', onMessage);
          resolve(packet.slice(4));
        };
        socket.io.engine.on('message', onMessage);
      });
      socket.io.engine.send(`2900["echo",${'['.repeat(5_000)}${']'.repeat(5_000)}]`);
      expect(JSON.parse(await answer)).toEqual([{ ok: false, code: 'VALIDATION_FAILED', message: 'The payload nests arrays and objects more than 32 levels deep' }]);
      expect(await ask(socket, 'echo', [[['still', 'fine']]])).toEqual({ ok: true, data: [[['still', 'fine']]] });
      await http().get('/health/live').expect(200);
    });

    it('a ticket carries only the permissions it was generated with', async () => {
      const { ticket } = await issueTicket(app, writer, { permissions: [] });
      const socket = await clients.connect(url, { auth: { ticket } });
      expect(await ask(socket, 'echo', 'hi')).toEqual({ ok: false, code: 'FORBIDDEN' });
    });
  });

  describe('expiry with the JWT behind the session', () => {
    it('emits session_expired, then disconnects, when the JWT (used directly or minting the ticket) expires', async () => {
      const direct = shortToken('erin', 2);
      const minting = shortToken('frank', 2);
      const { ticket } = await issueTicket(app, minting.token);
      const sockets = await Promise.all([
        clients.connect(url, { auth: { token: direct.token } }),
        clients.connect(url, { auth: { ticket } }),
      ]);
      await Promise.all(
        sockets.map(async (socket, index) => {
          const expiresAtMs = [direct, minting][index].expiresAtMs;
          expect(await ask(socket, 'whoami')).toMatchObject({ expiresAt: new Date(expiresAtMs).toISOString() });
          const closed = disconnected(socket);
          expect(await nextEvent(socket, 'session_expired', 4_000)).toEqual({ expiresAt: new Date(expiresAtMs).toISOString() });
          expect(Date.now()).toBeGreaterThanOrEqual(expiresAtMs);
          expect(await closed).toBe('io server disconnect');
        }),
      );
    });

    it('auth:refresh with a token of the same user extends the session past the old expiry', async () => {
      const short = shortToken('grace', 2, ['chat:read']);
      const socket = await clients.connect(url, { auth: { token: short.token } });
      const expired = jest.fn();
      socket.on('session_expired', expired);
      const longer = devToken({ sub: 'grace', permissions: ['chat:read'] }, { expiresIn: 600 });
      const exp = (jwt.decode(longer) as { exp: number }).exp;
      expect(await ask(socket, 'auth:refresh', { token: longer })).toEqual({ ok: true, expiresAt: new Date(exp * 1000).toISOString() });
      // Outlive the first token; nothing to await but the absence of an event.
      await new Promise((resolve) => setTimeout(resolve, short.expiresAtMs - Date.now() + 300));
      expect(expired).not.toHaveBeenCalled();
      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'grace', expiresAt: new Date(exp * 1000).toISOString() });
    });

    it('auth:refresh with a ticket of the same user takes the minting JWT\'s expiry and permissions', async () => {
      const socket = await clients.connect(url, { auth: { token: writer } });
      const minting = shortToken('alice', 300, ['chat:read']);
      const { ticket } = await issueTicket(app, minting.token);
      expect(await ask(socket, 'auth:refresh', { ticket })).toEqual({ ok: true, expiresAt: new Date(minting.expiresAtMs).toISOString() });
      expect(await ask(socket, 'echo', 'hi')).toEqual({ ok: false, code: 'FORBIDDEN' });
      expect(await ask(socket, 'auth:refresh', { ticket })).toEqual({ ok: false, code: 'TICKET_INVALID' });
    });

    it('auth:refresh for another user, or with a bad credential, answers ok: false and changes nothing', async () => {
      const socket = await clients.connect(url, { auth: { token: writer } });
      const before = await ask(socket, 'whoami');
      const mallory = devToken({ sub: 'mallory', permissions: ['chat:write'] });
      const { ticket } = await issueTicket(app, mallory);
      const expired = jwt.sign({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 5 }, DEVELOPMENT_JWT_SECRET, { algorithm: 'HS256' });
      expect(await ask(socket, 'auth:refresh', { token: mallory })).toEqual({ ok: false, code: 'FORBIDDEN' });
      expect(await ask(socket, 'auth:refresh', { ticket })).toEqual({ ok: false, code: 'FORBIDDEN' });
      expect(await ask(socket, 'auth:refresh', { token: 'not.a.jwt' })).toEqual({ ok: false, code: 'TOKEN_INVALID' });
      expect(await ask(socket, 'auth:refresh', { token: expired })).toEqual({ ok: false, code: 'TOKEN_EXPIRED' });
      expect(await ask(socket, 'auth:refresh', { ticket: 7 })).toEqual({ ok: false, code: 'TICKET_INVALID' });
      expect(await ask(socket, 'auth:refresh', {})).toEqual({ ok: false, code: 'AUTH_REQUIRED' });
      expect(await ask(socket, 'auth:refresh', 'junk')).toEqual({ ok: false, code: 'AUTH_REQUIRED' });
      expect(await ask(socket, 'whoami')).toEqual(before);
    });
  });

  describe('resume tickets', () => {
    it('auth:resume-ticket gives a single-use ticket for the same user and session, living at most 120 s', async () => {
      const socket = await clients.connect(url, { auth: { token: writer } });
      const session = await ask<{ expiresAt: string }>(socket, 'whoami');
      const before = Date.now();
      const resume = await ask<{ ticket: string; expiresAt: string }>(socket, 'auth:resume-ticket');
      expect(resume).toEqual({ ticket: expect.stringMatching(/^tkt_[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String) });
      expect(Date.parse(resume.expiresAt) - before).toBeLessThanOrEqual(120_000 + 1_000);
      expect(Date.parse(resume.expiresAt) - before).toBeGreaterThan(110_000);

      const resumed = await clients.connect(url, { auth: { ticket: resume.ticket } });
      expect(await ask(resumed, 'whoami')).toEqual({ ...session, authMethod: 'ticket' });
      expect((await clients.refuse(url, { auth: { ticket: resume.ticket } })).message).toBe('TICKET_INVALID');
    });

    it('never lets a resume ticket outlive the session', async () => {
      const short = shortToken('heidi', 30);
      const socket = await clients.connect(url, { auth: { token: short.token } });
      const resume = await ask<{ expiresAt: string }>(socket, 'auth:resume-ticket');
      expect(Date.parse(resume.expiresAt)).toBeLessThanOrEqual(short.expiresAtMs);
      expect(Date.parse(resume.expiresAt)).toBeGreaterThan(short.expiresAtMs - 3_000);
    });
  });

  describe('revoke-all with disconnect=true', () => {
    it('emits session_revoked with the reason, disconnects the user\'s sockets only, and reports the count', async () => {
      const victim = devToken({ sub: 'ivan' });
      const [first, second, bystander] = await Promise.all([
        clients.connect(url, { auth: { token: victim } }),
        clients.connect(url, { auth: { token: victim }, transports: ['polling'] }),
        clients.connect(url, { auth: { token: writer } }),
      ]);
      const events = [first, second].map((socket) => nextEvent(socket, 'session_revoked'));
      const closed = [first, second].map(disconnected);
      const response = await http().delete('/api/v1/websocket/tickets?disconnect=true&reason=password-changed').set(bearer(victim)).expect(200);
      expect(response.body).toEqual({ revoked: 0, disconnected: 2 });
      expect(await Promise.all(events)).toEqual([{ reason: 'password-changed' }, { reason: 'password-changed' }]);
      expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
      expect(bystander.connected).toBe(true);
      expect(await ask(bystander, 'whoami')).toMatchObject({ userId: 'alice' });
    });

    it('leaves sockets connected without disconnect=true', async () => {
      const victim = devToken({ sub: 'judy' });
      const socket = await clients.connect(url, { auth: { token: victim } });
      const response = await http().delete('/api/v1/websocket/tickets').set(bearer(victim)).expect(200);
      expect(response.body).toEqual({ revoked: 0, disconnected: 0 });
      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'judy' });
    });
  });

  it('counts handshakes in ticketgate_ws_auth_total, by the method that verified or was refused first', async () => {
    const metric = async (method: string, result: string) => {
      const { text } = await http().get('/metrics').expect(200);
      return Number(new RegExp(`^ticketgate_ws_auth_total\\{method="${method}",result="${result}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    };
    const [okBefore, refusedBefore] = [await metric('header', 'ok'), await metric('ticket', 'refused')];
    await clients.connect(url, { extraHeaders: { Authorization: `Bearer ${writer}` } });
    await clients.refuse(url, { auth: { ticket: 'tkt_nope', token: 'not.a.jwt' } });
    expect(await metric('header', 'ok')).toBe(okBefore + 1);
    expect(await metric('ticket', 'refused')).toBe(refusedBefore + 1);
  });

  it('reports this instance\'s connected sockets in the status document', async () => {
    const connectedSockets = async () => ((await http().get('/api/v1/websocket/ticket/status').expect(200)).body as { sockets: { connected: number } }).sockets.connected;
    // The sockets of earlier tests were closed client side; wait until the server has seen them go.
    for (const deadline = Date.now() + 5_000; (await connectedSockets()) !== 0 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await connectedSockets()).toBe(0);
    await Promise.all([clients.connect(url, { auth: { token: writer } }), clients.connect(url, { auth: { token: reader } })]);
    expect(await connectedSockets()).toBe(2);
  });
});

describe('Socket sessions when the instance shuts down', () => {
  const clients = new SocketClients();
  afterEach(() => clients.closeAll());

  it.each(['websocket', 'polling'])('tells connected sockets server_shutdown, then disconnects them (%s)', async (transport) => {
    const app = await createTestApp();
    const url = await listen(app);
    const socket = await clients.connect(url, { transports: [transport], auth: { token: devToken() } });
    const told = nextEvent(socket, 'server_shutdown');
    const closed = nextEvent(socket, 'disconnect');
    await app.close();
    await told;
    expect(await closed).toBe('io server disconnect');
  });
});

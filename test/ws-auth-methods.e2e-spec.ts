import { NestFastifyApplication } from '@nestjs/platform-fastify';
import WebSocket from 'ws';
import { createTestApp, Env, redisEnv } from './support/test-app';
import { devToken } from './support/tokens';
import { ask, ClientOptions, issueTicket, listen, SocketClients } from './support/ws-client';

/** Many refusals on purpose below; the failed-handshake limit has its own suite. */
const LENIENT = { WS_FAILED_HANDSHAKES_PER_MINUTE: '10000' };
const UNKNOWN_TICKET = `tkt_${'A'.repeat(43)}`;

/** CONTRACT §4: every handshake method, on both transports, in the configured order. */
describe.each([
  ['redis store', () => redisEnv('ws-methods')],
  ['memory store', (): Env => ({})],
])('Socket.IO handshake methods (%s)', (_store, storeEnv) => {
  let app: NestFastifyApplication;
  let url: string;
  const clients = new SocketClients();
  const alice = devToken({ sub: 'alice', email: 'alice@example.com', permissions: ['chat:read', 'chat:write'] });

  beforeAll(async () => {
    app = await createTestApp({ ...storeEnv(), ...LENIENT });
    url = await listen(app);
  });
  afterEach(() => clients.closeAll());
  afterAll(() => app.close());

  describe.each(['websocket', 'polling'])('over %s', (transport) => {
    const connect = (options: ClientOptions) => clients.connect(url, { transports: [transport], ...options });
    const refuse = (options: ClientOptions) => clients.refuse(url, { transports: [transport], ...options });

    it('ticket: auth.ticket connects with the ticket\'s user and permissions, and the ticket is single use', async () => {
      const { ticket } = await issueTicket(app, alice, { permissions: ['chat:read'] });
      const socket = await connect({ auth: { ticket } });
      expect(await ask(socket, 'whoami')).toEqual({
        userId: 'alice',
        email: 'alice@example.com',
        permissions: ['chat:read'],
        authMethod: 'ticket',
        expiresAt: expect.any(String),
      });
      const replay = await refuse({ auth: { ticket } });
      expect(replay.message).toBe('TICKET_INVALID');
      expect(replay.data).toEqual({ code: 'TICKET_INVALID', message: expect.any(String) });
    });

    it('ticket: the query parameter ticket connects too', async () => {
      const { ticket } = await issueTicket(app, alice);
      const socket = await connect({ query: { ticket } });
      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'alice', authMethod: 'ticket' });
    });

    it('jwt: auth.token connects with or without a Bearer prefix, the session ending with the token', async () => {
      const token = devToken({ sub: 'bob', permissions: ['chat:read'] }, { expiresIn: 600 });
      const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;
      for (const presented of [token, `Bearer ${token}`]) {
        const socket = await connect({ auth: { token: presented } });
        expect(await ask(socket, 'whoami')).toEqual({
          userId: 'bob',
          permissions: ['chat:read'],
          authMethod: 'jwt',
          expiresAt: new Date(exp * 1000).toISOString(),
        });
      }
    });

    it('header: Authorization: Bearer <JWT> on the handshake request connects', async () => {
      const socket = await connect({ extraHeaders: { Authorization: `Bearer ${alice}` } });
      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'alice', authMethod: 'header' });
    });

    it('falls back: an unusable ticket beside a good JWT connects through the JWT', async () => {
      const { ticket } = await issueTicket(app, alice);
      await connect({ auth: { ticket } });
      for (const badTicket of [UNKNOWN_TICKET, ticket, 'not-a-ticket']) {
        const socket = await connect({ auth: { ticket: badTicket, token: alice } });
        expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'alice', authMethod: 'jwt' });
      }
    });

    it('reports the code of the first credential present when none verifies', async () => {
      const both = await refuse({ auth: { ticket: UNKNOWN_TICKET, token: 'not.a.jwt' } });
      expect(both.data).toEqual({ code: 'TICKET_INVALID', message: expect.any(String) });
      const tokenOnly = await refuse({ auth: { token: 'not.a.jwt' }, extraHeaders: { Authorization: 'Bearer also.not.jwt' } });
      expect(tokenOnly.data).toEqual({ code: 'TOKEN_INVALID', message: expect.any(String) });
    });

    it('does not look at a method that is not enabled: a query token counts as no credential', async () => {
      const refused = await refuse({ query: { token: alice } });
      expect(refused.message).toBe('AUTH_REQUIRED');
      expect(refused.data).toEqual({ code: 'AUTH_REQUIRED', message: expect.any(String) });
    });
  });

  describe('subprotocol (websocket transport only)', () => {
    it('connects with a bearer.<JWT> subprotocol offer and selects "ticketgate", never the token', async () => {
      const socket = await clients.connect(url, { transports: ['websocket'], protocols: ['ticketgate', `bearer.${alice}`] });
      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'alice', authMethod: 'subprotocol' });
      const selected = (socket.io.engine.transport as unknown as { ws: WebSocket }).ws.protocol;
      expect(selected).toBe('ticketgate');
    });

    it('selects no protocol at all when only the token is offered', async () => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, [`bearer.${alice}`]);
      const outcome = await new Promise<string>((resolve) => {
        ws.once('open', () => resolve(`opened with protocol "${ws.protocol}"`));
        ws.once('error', (error) => resolve(error.message));
      });
      ws.terminate();
      expect(outcome).toBe('Server sent no subprotocol');
    });
  });
});

describe('Socket.IO handshake methods in a configured order (WS_AUTH_METHODS=jwt,query,ticket)', () => {
  let app: NestFastifyApplication;
  let url: string;
  const clients = new SocketClients();
  const carol = devToken({ sub: 'carol', permissions: ['chat:read'] });

  beforeAll(async () => {
    app = await createTestApp({ ...redisEnv('ws-methods-order'), ...LENIENT, WS_AUTH_METHODS: 'jwt,query,ticket' });
    url = await listen(app);
  });
  afterEach(() => clients.closeAll());
  afterAll(() => app.close());

  it('query: a token in the query string connects once the method is enabled', async () => {
    const socket = await clients.connect(url, { query: { token: carol } });
    expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'carol', authMethod: 'query' });
  });

  it('tries methods in the configured order: a good JWT wins and the ticket beside it stays unused', async () => {
    const { ticket } = await issueTicket(app, carol);
    const viaJwt = await clients.connect(url, { auth: { ticket, token: carol } });
    expect(await ask(viaJwt, 'whoami')).toMatchObject({ authMethod: 'jwt' });
    const viaTicket = await clients.connect(url, { auth: { ticket } });
    expect(await ask(viaTicket, 'whoami')).toMatchObject({ authMethod: 'ticket' });
  });

  it('reports the first present credential in that order', async () => {
    const refused = await clients.refuse(url, { auth: { ticket: UNKNOWN_TICKET, token: 'not.a.jwt' } });
    expect(refused.data).toEqual({ code: 'TOKEN_INVALID', message: expect.any(String) });
  });

  it('does not look at the header method, which is not enabled', async () => {
    const refused = await clients.refuse(url, { extraHeaders: { Authorization: `Bearer ${carol}` } });
    expect(refused.data).toEqual({ code: 'AUTH_REQUIRED', message: expect.any(String) });
  });
});

import { FakeSocket } from '../../test/support/fake-socket';
import { ClientEvents, TicketgateClientEvents } from './client-events';
import type { Credential, Credentials, HandshakeAuth } from './credentials';
import { ServerClock } from './server-clock';
import { HANDSHAKE_RATE_LIMIT_WAIT_MS, SocketConnection } from './socket-connection';
import { TicketgateError } from './ticketgate-error';

const ticket = (n: number) => `tkt_${String(n).padStart(43, 'x')}`;
const RETRY = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

function setup() {
  let issued = 0;
  const fresh = jest.fn(async (): Promise<Credential> => {
    const value = ticket(++issued);
    return { auth: { ticket: value }, event: { source: 'rest', ticket: value.slice(0, 8), bound: false } };
  });
  const resumed = jest.fn(async (value: string, expiresAt: string): Promise<Credential> => ({ auth: { ticket: value }, event: { source: 'resume', expiresAt, bound: false } }));
  const credentials = { fresh, resumed } as unknown as Credentials;
  const events = new ClientEvents();
  const seen: Array<{ event: keyof TicketgateClientEvents; payload: unknown }> = [];
  for (const event of ['state', 'credential', 'auth_error', 'error', 'refreshed'] as const) events.on(event, (payload) => seen.push({ event, payload }));
  const connection = new SocketConnection({ credentials, events, clock: new ServerClock(), retry: RETRY, refreshBeforeExpiryMs: false, resumeTickets: true, ackTimeoutMs: 1_000 });
  const socket = new FakeSocket();
  connection.attach(socket.asSocket());
  const presented: HandshakeAuth[] = [];
  /** One connection attempt as socket.io-client makes it: a transport opens, `auth` is asked. */
  const attempt = async () => {
    socket.open();
    connection.authenticate((auth) => presented.push(auth));
    await jest.advanceTimersByTimeAsync(0);
  };
  const errors = (event: 'auth_error' | 'error') => seen.filter((entry) => entry.event === event).map((entry) => (entry.payload as TicketgateError).code);
  const lastState = () => seen.filter((entry) => entry.event === 'state').at(-1)?.payload;
  return { socket, connection, fresh, resumed, presented, attempt, seen, errors, lastState };
}

describe('SocketConnection', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('presents a new ticket on every attempt, and a held resume ticket exactly once', async () => {
    const { socket, presented, attempt, fresh, resumed } = setup();
    socket.answers.set('auth:resume-ticket', () => ({ ticket: ticket(99), expiresAt: new Date(Date.now() + 120_000).toISOString() }));
    await attempt();
    socket.accept();
    await jest.advanceTimersByTimeAsync(0);
    socket.drop();
    await attempt();
    socket.drop();
    await attempt();
    expect(presented).toEqual([{ ticket: ticket(1) }, { ticket: ticket(99) }, { ticket: ticket(2) }]);
    expect(fresh).toHaveBeenCalledTimes(2);
    expect(resumed).toHaveBeenCalledTimes(1);
  });

  it('retries TICKET_INVALID once with a new ticket, then stops and reports an auth error', async () => {
    const { socket, presented, attempt, errors, lastState } = setup();
    await attempt();
    socket.refuse('TICKET_INVALID');
    expect(socket.connectCalls).toHaveLength(1);
    await attempt();
    socket.refuse('TICKET_INVALID');
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(socket.connectCalls).toHaveLength(1);
    expect(presented).toEqual([{ ticket: ticket(1) }, { ticket: ticket(2) }]);
    expect(errors('auth_error')).toEqual(['TICKET_INVALID']);
    expect(lastState()).toEqual({ state: 'disconnected', reason: 'TICKET_INVALID' });
  });

  it('grants the TICKET_INVALID retry again after a successful connection', async () => {
    const { socket, attempt, errors } = setup();
    await attempt();
    socket.refuse('TICKET_INVALID');
    await attempt();
    socket.accept();
    socket.drop();
    await attempt();
    socket.refuse('TICKET_INVALID');
    expect(socket.connectCalls).toHaveLength(2);
    expect(errors('auth_error')).toEqual([]);
  });

  it.each(['TOKEN_INVALID', 'TOKEN_EXPIRED', 'AUTH_REQUIRED', 'FORBIDDEN_ORIGIN'])('stops reconnecting on %s and tells the app', async (code) => {
    const { socket, attempt, errors, lastState } = setup();
    await attempt();
    socket.refuse(code);
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(socket.connectCalls).toEqual([]);
    expect(errors('auth_error')).toEqual([code]);
    expect(lastState()).toEqual({ state: 'disconnected', reason: code });
  });

  it('retries AUTH_UNAVAILABLE with growing backoff, and RATE_LIMITED only after the limiter\'s window', async () => {
    const { socket, attempt, errors } = setup();
    const start = Date.now();
    await attempt();
    socket.refuse('AUTH_UNAVAILABLE');
    await jest.advanceTimersByTimeAsync(374);
    expect(socket.connectCalls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await attempt();
    socket.refuse('AUTH_UNAVAILABLE');
    await jest.advanceTimersByTimeAsync(750);
    await attempt();
    socket.refuse('RATE_LIMITED');
    await jest.advanceTimersByTimeAsync(HANDSHAKE_RATE_LIMIT_WAIT_MS + 250);
    expect(socket.connectCalls.map((at) => at - start)).toEqual([375, 1_125, 1_125 + HANDSHAKE_RATE_LIMIT_WAIT_MS + 250]);
    expect(errors('error')).toEqual(['AUTH_UNAVAILABLE', 'AUTH_UNAVAILABLE', 'RATE_LIMITED']);
  });

  it('gives up an attempt without a credential: no retry after 401, a retry after Retry-After on 503', async () => {
    const unauthorized = setup();
    unauthorized.fresh.mockRejectedValueOnce(new TicketgateError('UNAUTHORIZED', 'answered 401', 'ticket', { status: 401 }));
    await unauthorized.attempt();
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(unauthorized.presented).toEqual([]);
    expect(unauthorized.socket.disconnectCalls).toBe(1);
    expect(unauthorized.socket.connectCalls).toEqual([]);
    expect(unauthorized.errors('auth_error')).toEqual(['UNAUTHORIZED']);

    const unavailable = setup();
    unavailable.fresh.mockRejectedValueOnce(new TicketgateError('STORE_UNAVAILABLE', 'answered 503', 'ticket', { status: 503, retryAfterMs: 5_000 }));
    const start = Date.now();
    await unavailable.attempt();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(unavailable.presented).toEqual([]);
    expect(unavailable.errors('error')).toEqual(['STORE_UNAVAILABLE']);
    expect(unavailable.socket.connectCalls.map((at) => at - start)).toEqual([5_250]);
  });

  it('reconnects after server_shutdown, but not after session_revoked or session_expired', async () => {
    const shutdown = setup();
    await shutdown.attempt();
    shutdown.socket.accept();
    shutdown.socket.serverDisconnect(['server_shutdown']);
    expect(shutdown.lastState()).toMatchObject({ state: 'reconnecting', reason: 'server_shutdown' });
    await jest.advanceTimersByTimeAsync(2_000);
    expect(shutdown.socket.connectCalls).toHaveLength(1);

    for (const event of ['session_revoked', 'session_expired']) {
      const ended = setup();
      ended.socket.answers.set('auth:resume-ticket', () => ({ ticket: ticket(99), expiresAt: new Date(Date.now() + 120_000).toISOString() }));
      await ended.attempt();
      ended.socket.accept();
      await jest.advanceTimersByTimeAsync(0);
      ended.socket.serverDisconnect([event, {}]);
      await jest.advanceTimersByTimeAsync(10 * 60_000);
      expect(ended.socket.connectCalls).toEqual([]);
      expect(ended.lastState()).toEqual({ state: 'disconnected', reason: event });
      // The app reconnects by hand: the resume ticket of the ended session is gone.
      await ended.attempt();
      expect(ended.presented.at(-1)).toEqual({ ticket: ticket(2) });
    }
  });

  it('leaves transport drops to socket.io-client, and a plain server disconnect alone', async () => {
    const { socket, attempt, lastState } = setup();
    await attempt();
    socket.accept();
    socket.drop('ping timeout');
    expect(lastState()).toEqual({ state: 'reconnecting', reason: 'ping timeout' });
    await attempt();
    socket.accept();
    socket.serverDisconnect();
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(socket.connectCalls).toEqual([]);
    expect(lastState()).toEqual({ state: 'disconnected', reason: 'io server disconnect' });
  });

  it('drops, unsent, a credential whose attempt was superseded', async () => {
    const { socket, connection, fresh, presented } = setup();
    let release!: () => void;
    fresh.mockImplementationOnce(() => new Promise<Credential>((resolve) => (release = () => resolve({ auth: { ticket: ticket(7) }, event: { source: 'rest', bound: false } }))));
    socket.open();
    connection.authenticate((auth) => presented.push(auth));
    // The transport closes and a new one opens before the ticket arrives.
    socket.drop();
    socket.open();
    release();
    await jest.advanceTimersByTimeAsync(0);
    expect(presented).toEqual([]);
  });

  it('cancels a scheduled retry when the app disconnects', async () => {
    const { socket, attempt, lastState } = setup();
    await attempt();
    socket.refuse('AUTH_UNAVAILABLE');
    socket.asSocket().disconnect();
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(socket.connectCalls).toEqual([]);
    expect(lastState()).toEqual({ state: 'disconnected', reason: 'io client disconnect' });
  });

  it('respects socket.io-client\'s reconnection: false', async () => {
    const { socket, attempt, lastState } = setup();
    socket.reconnection = false;
    await attempt();
    socket.refuse('AUTH_UNAVAILABLE');
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(socket.connectCalls).toEqual([]);
    expect(lastState()).toEqual({ state: 'disconnected', reason: 'AUTH_UNAVAILABLE' });
  });
});

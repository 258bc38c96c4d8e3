import { NestFastifyApplication } from '@nestjs/platform-fastify';
import jwt from 'jsonwebtoken';
import type { Socket } from 'socket.io-client';
import {
  ConnectOptions,
  createTicketgateClient,
  maskTicket,
  TicketgateClient,
  TicketgateClientEvents,
  TicketgateClientOptions,
  TicketgateError,
  TicketgateEventName,
} from '../src/client';
import { DEVELOPMENT_JWT_SECRET } from '../src/config/jwt.config';
import { TicketCounters } from '../src/tickets/ticket-counters';
import { ApiOutageFront, OutageMode } from './support/api-outage-front';
import { HandshakeRecorder } from './support/handshake-recorder';
import { TcpProxy } from './support/tcp-proxy';
import { createTestApp, Env, redisEnv } from './support/test-app';
import { devToken } from './support/tokens';
import { ask, listen, SocketClients } from './support/ws-client';

// Waits inside tests time out at 5 s with a message saying what was missing; jest's own limit must be longer.
jest.setTimeout(15_000);

const TICKET = /^tkt_[A-Za-z0-9_-]{43}$/;
const GENERATE = 'POST /api/v1/websocket/ticket';
const EVENTS: TicketgateEventName[] = ['state', 'credential', 'auth_error', 'error', 'resume_ticket', 'refreshed'];
/** Small backoffs, so every retry or reconnect a test could see happens within `QUIET_MS`. */
const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 200 };
const FAST_RECONNECT: ConnectOptions = { reconnectionDelay: 50, reconnectionDelayMax: 200 };
/** How long "nothing more happens" is watched: several times the longest delay above. */
const QUIET_MS = 800;
const ALLOWED_ORIGIN = 'https://app.example.com';

type Recorded = { [E in TicketgateEventName]: { event: E; payload: TicketgateClientEvents[E] } }[TicketgateEventName];
type Payload<E extends TicketgateEventName> = TicketgateClientEvents[E];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A JWT of `sub` signed with the development secret, expiring `seconds` from now (whole seconds), and that expiry. */
function tokenExpiringIn(sub: string, seconds: number): { token: string; expiresAt: string } {
  const exp = Math.floor(Date.now() / 1000) + seconds;
  return { token: jwt.sign({ sub, permissions: ['chat:read'], exp }, DEVELOPMENT_JWT_SECRET, { algorithm: 'HS256' }), expiresAt: new Date(exp * 1000).toISOString() };
}

/** A well-formed JWT the app cannot verify. */
const forgedToken = (sub: string) => jwt.sign({ sub }, 'not-the-secret-this-instance-trusts-at-all', { algorithm: 'HS256', expiresIn: 600 });

/**
 * A client under test, built as an app builds it, with everything it tells the app recorded and
 * the requests it makes to the ticket endpoint counted (its `fetch` passes them through).
 */
class Probe {
  readonly events: Recorded[] = [];
  /** Every REST request the client made: `METHOD /path`, the answer's status (0: none came) and the JSON body sent. */
  readonly requests: Array<{ line: string; status: number; body?: Record<string, unknown> }> = [];
  readonly client: TicketgateClient;
  readonly sockets: Socket[] = [];

  constructor(options: TicketgateClientOptions) {
    const recordingFetch: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      const entry = { line: `${init?.method ?? 'GET'} ${url.pathname}`, status: 0, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined };
      this.requests.push(entry);
      const response = await fetch(input, init);
      entry.status = response.status;
      return response;
    };
    this.client = createTicketgateClient({ fetch: recordingFetch, ...options, retry: { ...FAST_RETRY, ...options.retry } });
    for (const event of EVENTS) this.client.on(event, (payload) => this.events.push({ event, payload } as Recorded));
  }

  connect(options: ConnectOptions = {}): Socket {
    const socket = this.client.connect({ ...FAST_RECONNECT, ...options });
    this.sockets.push(socket);
    return socket;
  }

  /** Where the event log is now; pass it to `of` and `waitFor` to look only at what comes after. */
  mark(): number {
    return this.events.length;
  }

  of<E extends TicketgateEventName>(event: E, from = 0): Array<Payload<E>> {
    return this.events.slice(from).filter((entry) => entry.event === event).map((entry) => entry.payload as Payload<E>);
  }

  /** The first `event` since `from` that satisfies `predicate`, already emitted or still to come. */
  waitFor<E extends TicketgateEventName>(event: E, predicate: (payload: Payload<E>) => boolean = () => true, from = 0, timeoutMs = 5_000): Promise<Payload<E>> {
    const seen = this.of(event, from).find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`no matching "${event}" within ${timeoutMs} ms; events: ${JSON.stringify(this.events.slice(from))}`));
      }, timeoutMs);
      const stop = this.client.on(event, (payload) => {
        if (!predicate(payload)) return;
        clearTimeout(timer);
        stop();
        resolve(payload);
      });
    });
  }

  waitForState(state: Payload<'state'>['state'], from = 0, timeoutMs?: number): Promise<Payload<'state'>> {
    return this.waitFor('state', (payload) => payload.state === state, from, timeoutMs);
  }

  /** Requests to Generate. */
  get ticketRequests(): number {
    return this.requests.filter((request) => request.line === GENERATE).length;
  }

  close(): void {
    for (const socket of this.sockets) socket.disconnect();
  }
}

describe('Ticketgate client (src/client) against a real app on Redis', () => {
  let app: NestFastifyApplication;
  let url: string;
  let recorder: HandshakeRecorder;
  const probes: Probe[] = [];
  const plain = new SocketClients();
  const probe = (options: Partial<TicketgateClientOptions> & Pick<TicketgateClientOptions, 'getToken'>) => {
    const created = new Probe({ baseUrl: url, ...options });
    probes.push(created);
    return created;
  };
  /** The `auth` of every handshake the server saw since `from` (see `recorder.handshakes.length`). */
  const handshakesSince = (from: number) => recorder.handshakes.slice(from);
  /**
   * Drops every connection as a network failure would, once each runs over WebSocket: closed
   * mid-upgrade, a polling transport waits 30 s (engine.io's closeTimeout) for a poll that never
   * comes, holding jest open.
   */
  const dropConnections = async () => {
    const connections = recorder.servers.flatMap((server) => [...server.sockets.sockets.values()].map((socket) => socket.conn));
    await Promise.all(connections.map((conn) => conn.transport.name === 'websocket' || new Promise((resolve) => conn.once('upgrade', resolve))));
    return recorder.dropConnections();
  };

  beforeAll(async () => {
    recorder = HandshakeRecorder.install();
    app = await createTestApp({ ...redisEnv('client-sdk'), WS_FAILED_HANDSHAKES_PER_MINUTE: '10000', WS_ALLOWED_ORIGINS: ALLOWED_ORIGIN });
    url = await listen(app);
  });
  afterEach(() => {
    for (const created of probes.splice(0)) created.close();
    plain.closeAll();
  });
  afterAll(async () => {
    await app.close();
    recorder.restore();
  });

  describe('connect()', () => {
    it.each([
      ['polling, then WebSocket (the default)', {}],
      ['WebSocket only', { transports: ['websocket'] }],
      ['long polling only', { transports: ['polling'] }],
    ])('connects with a fresh ticket from the REST endpoint over %s: the server sees authMethod ticket, and the JWT stays off the socket', async (_transports, options: ConnectOptions) => {
      const token = devToken({ sub: 'sdk-connect', permissions: ['chat:read'] });
      const from = recorder.handshakes.length;
      const client = probe({ getToken: () => token });
      const socket = client.connect(options);
      await client.waitForState('connected');

      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'sdk-connect', permissions: ['chat:read'], authMethod: 'ticket' });
      const [handshake, ...more] = handshakesSince(from);
      expect(more).toEqual([]);
      expect(handshake.ticket).toMatch(TICKET);
      expect(handshake).not.toHaveProperty('token');
      expect(client.requests).toEqual([expect.objectContaining({ line: GENERATE, status: 201 })]);
      expect(client.of('credential')).toEqual([{ source: 'rest', ticket: maskTicket(handshake.ticket as string), expiresAt: expect.any(String), bound: true }]);
      expect(client.of('state').map(({ state }) => state)).toEqual(['connecting', 'connected']);
    });

    it('after a network drop, reconnects with its resume ticket (no REST call), again with the rotated one, and never presents a ticket twice', async () => {
      const token = devToken({ sub: 'sdk-resume' });
      const from = recorder.handshakes.length;
      const client = probe({ getToken: () => token });
      const socket = client.connect();
      await client.waitForState('connected');

      let connectedAt = 0;
      for (let drop = 1; drop <= 2; drop++) {
        // Got on connecting (the first time) or on reconnecting (the one held was just used).
        const held = await client.waitFor('resume_ticket', () => true, connectedAt);
        const mark = client.mark();
        expect(await dropConnections()).toBe(1);
        expect(await client.waitForState('reconnecting', mark)).toMatchObject({ reason: 'transport close' });
        await client.waitForState('connected', mark);
        expect(client.of('credential', mark)).toEqual([{ source: 'resume', ticket: held.ticket, expiresAt: held.expiresAt, bound: true }]);
        expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'sdk-resume', authMethod: 'ticket' });
        connectedAt = mark;
      }

      const handshakes = handshakesSince(from);
      expect(handshakes).toHaveLength(3);
      expect(new Set(handshakes.map((auth) => auth.ticket)).size).toBe(3);
      for (const handshake of handshakes) expect(handshake).toEqual({ ticket: expect.stringMatching(TICKET), ts: expect.any(Number), proof: expect.any(String) });
      expect(client.ticketRequests).toBe(1);
    });

    it('with resumeTickets: false, fetches a new ticket from the REST endpoint for every reconnect', async () => {
      const token = devToken({ sub: 'sdk-no-resume' });
      const from = recorder.handshakes.length;
      const client = probe({ getToken: () => token, resumeTickets: false });
      const socket = client.connect();
      await client.waitForState('connected');
      for (let drop = 1; drop <= 2; drop++) {
        const mark = client.mark();
        await dropConnections();
        await client.waitForState('connected', mark);
      }

      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'sdk-no-resume', authMethod: 'ticket' });
      const tickets = handshakesSince(from).map((auth) => auth.ticket);
      expect(tickets).toHaveLength(3);
      expect(new Set(tickets).size).toBe(3);
      expect(client.ticketRequests).toBe(3);
      expect(client.of('credential').map(({ source }) => source)).toEqual(['rest', 'rest', 'rest']);
      expect(client.of('resume_ticket')).toEqual([]);
    });

    it('after the app\'s own disconnect(), connect() presents a new ticket', async () => {
      const token = devToken({ sub: 'sdk-app-reconnect' });
      const from = recorder.handshakes.length;
      const client = probe({ getToken: () => token });
      const socket = client.connect();
      await client.waitForState('connected');
      const mark = client.mark();
      socket.disconnect();
      expect(await client.waitForState('disconnected', mark)).toEqual({ state: 'disconnected', reason: 'io client disconnect' });
      socket.connect();
      await client.waitForState('connected', mark);

      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'sdk-app-reconnect', authMethod: 'ticket' });
      const tickets = handshakesSince(from).map((auth) => auth.ticket);
      expect(tickets).toEqual([expect.stringMatching(TICKET), expect.stringMatching(TICKET)]);
      expect(tickets[0]).not.toBe(tickets[1]);
    });

    it('when its resume ticket was revoked meanwhile, is refused once and connects at once with a fresh ticket', async () => {
      const token = devToken({ sub: 'sdk-revoked-resume' });
      const from = recorder.handshakes.length;
      const client = probe({ getToken: () => token });
      const socket = client.connect();
      await client.waitFor('resume_ticket');
      expect(await client.client.revokeAll()).toEqual({ revoked: 1, disconnected: 0 });
      const mark = client.mark();
      await dropConnections();
      await client.waitForState('connected', mark);

      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'sdk-revoked-resume', authMethod: 'ticket' });
      expect(client.of('credential', mark).map(({ source }) => source)).toEqual(['resume', 'rest']);
      const tickets = handshakesSince(from).map((auth) => auth.ticket);
      expect(tickets).toHaveLength(3);
      expect(new Set(tickets).size).toBe(3);
      expect([...client.of('auth_error'), ...client.of('error')]).toEqual([]);
    });
  });

  describe('when the server ends the connection', () => {
    it('after server_shutdown, reconnects to the instance traffic moved to, with its resume ticket (shared through Redis)', async () => {
      const env: Env = { ...redisEnv('client-sdk-shutdown'), WS_FAILED_HANDSHAKES_PER_MINUTE: '10000' };
      const leaving = await createTestApp(env);
      const staying = await createTestApp(env);
      const balancer = await TcpProxy.start(Number(new URL(await listen(leaving)).port));
      try {
        const stayingPort = Number(new URL(await listen(staying)).port);
        const client = probe({ baseUrl: `http://127.0.0.1:${balancer.port}`, getToken: () => devToken({ sub: 'sdk-shutdown' }) });
        const socket = client.connect();
        const held = await client.waitFor('resume_ticket');
        const firstId = socket.id;
        balancer.retarget(stayingPort);
        const mark = client.mark();
        await leaving.close();

        expect(await client.waitForState('reconnecting', mark)).toMatchObject({ reason: 'server_shutdown', delayMs: expect.any(Number) });
        await client.waitForState('connected', mark);
        expect(socket.id).not.toBe(firstId);
        expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'sdk-shutdown', authMethod: 'ticket' });
        expect(staying.get(TicketCounters).consumed).toBe(1);
        expect(client.of('credential', mark)).toEqual([{ source: 'resume', ticket: held.ticket, expiresAt: held.expiresAt, bound: true }]);
        expect([...client.of('auth_error'), ...client.of('error')]).toEqual([]);
      } finally {
        for (const created of probes.splice(0)) created.close();
        await Promise.all([leaving.close(), staying.close()]);
        await balancer.close();
      }
    });

    it('after session_revoked (revokeAll with disconnect), is disconnected and does not reconnect until the app says so', async () => {
      const client = probe({ getToken: () => devToken({ sub: 'sdk-revoked' }) });
      const socket = client.connect();
      await client.waitFor('resume_ticket');
      const from = recorder.handshakes.length;
      const mark = client.mark();

      expect(await client.client.revokeAll({ disconnect: true, reason: 'signed-out' })).toEqual({ revoked: 1, disconnected: 1 });
      expect(await client.waitForState('disconnected', mark)).toEqual({ state: 'disconnected', reason: 'session_revoked' });
      await sleep(QUIET_MS);
      expect(handshakesSince(from)).toEqual([]);
      expect(client.of('state', mark)).toEqual([{ state: 'disconnected', reason: 'session_revoked' }]);
      expect(client.ticketRequests).toBe(1);
      expect(socket.connected).toBe(false);

      // The revoked session's resume ticket is forgotten: connecting again takes a new ticket.
      const again = client.mark();
      socket.connect();
      await client.waitForState('connected', again);
      expect(client.of('credential', again)).toEqual([expect.objectContaining({ source: 'rest' })]);
      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'sdk-revoked', authMethod: 'ticket' });
    });

    it('after session_expired (the app had no fresher JWT to refresh with), is disconnected and does not reconnect', async () => {
      const short = tokenExpiringIn('sdk-expired', 3);
      const client = probe({ getToken: () => short.token });
      const socket = client.connect();
      await client.waitForState('connected');
      const from = recorder.handshakes.length;
      const mark = client.mark();

      expect(await client.waitForState('disconnected', mark)).toEqual({ state: 'disconnected', reason: 'session_expired' });
      await sleep(QUIET_MS);
      expect(handshakesSince(from)).toEqual([]);
      expect(client.of('state', mark)).toEqual([{ state: 'disconnected', reason: 'session_expired' }]);
      // It tried one refresh (the session was due at once), which could not extend it.
      expect(client.of('refreshed')).toEqual([{ expiresAt: short.expiresAt }]);
      expect(socket.connected).toBe(false);
    });
  });

  describe('refusals', () => {
    it.each([false, true])('a 401 from the ticket endpoint is an auth_error, asked once, never retried nor fallen back from (allowJwtFallback: %s)', async (allowJwtFallback) => {
      let token = forgedToken('sdk-401');
      const from = recorder.handshakes.length;
      const client = probe({ getToken: () => token, allowJwtFallback });
      const socket = client.connect();

      const error = await client.waitFor('auth_error');
      expect(error).toBeInstanceOf(TicketgateError);
      expect(error).toMatchObject({ code: 'UNAUTHORIZED', phase: 'ticket', details: { status: 401 } });
      expect(await client.waitForState('disconnected')).toEqual({ state: 'disconnected', reason: 'UNAUTHORIZED' });
      await sleep(QUIET_MS);
      expect(client.requests).toEqual([expect.objectContaining({ line: GENERATE, status: 401 })]);
      expect(handshakesSince(from)).toEqual([]);
      expect(client.of('credential')).toEqual([]);
      expect(socket.connected).toBe(false);

      // The app signs in again and reconnects.
      token = devToken({ sub: 'sdk-401' });
      const mark = client.mark();
      socket.connect();
      await client.waitForState('connected', mark);
      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'sdk-401', authMethod: 'ticket' });
    });

    it('getTicket() with a JWT the server refuses rejects with UNAUTHORIZED and tells auth_error listeners', async () => {
      const client = probe({ getToken: () => forgedToken('sdk-get-ticket') });
      await expect(client.client.getTicket()).rejects.toMatchObject({ name: 'TicketgateError', code: 'UNAUTHORIZED', details: { status: 401 } });
      expect(client.of('auth_error').map(({ code }) => code)).toEqual(['UNAUTHORIZED']);
      expect(client.ticketRequests).toBe(1);
    });

    it('a 429 with a long Retry-After (too many active tickets) is an error event, and the next attempt waits that long', async () => {
      const client = probe({ getToken: () => devToken({ sub: 'sdk-hoarder' }), ticket: { ttlSeconds: 30 } });
      for (let held = 0; held < 20; held++) await client.client.getTicket();
      const socket = client.connect();

      expect(await client.waitFor('error')).toMatchObject({ code: 'TOO_MANY_ACTIVE_TICKETS', phase: 'ticket', details: { status: 429, retryAfterMs: expect.any(Number) } });
      const waiting = await client.waitForState('reconnecting');
      expect(waiting).toMatchObject({ reason: 'TOO_MANY_ACTIVE_TICKETS' });
      expect(waiting.delayMs).toBeGreaterThanOrEqual(25_000);
      // Retry-After exceeds maxDelayMs, so the request was not retried in place either.
      expect(client.requests.filter(({ status }) => status === 429)).toHaveLength(1);
      expect(client.of('auth_error')).toEqual([]);
      expect(socket.connected).toBe(false);
    });

    it('a handshake refused as FORBIDDEN_ORIGIN stops reconnecting and tells the app; an allowed origin connects', async () => {
      const token = devToken({ sub: 'sdk-origin' });
      const from = recorder.handshakes.length;
      const refused = probe({ getToken: () => token });
      const socket = refused.connect({ transports: ['websocket'], extraHeaders: { Origin: 'https://evil.example.com' } });

      expect(await refused.waitFor('auth_error')).toMatchObject({ code: 'FORBIDDEN_ORIGIN', phase: 'handshake' });
      expect(await refused.waitForState('disconnected')).toEqual({ state: 'disconnected', reason: 'FORBIDDEN_ORIGIN' });
      await sleep(QUIET_MS);
      expect(handshakesSince(from)).toHaveLength(1);
      expect(refused.ticketRequests).toBe(1);
      expect(socket.connected).toBe(false);

      const allowed = probe({ getToken: () => token });
      const other = allowed.connect({ transports: ['websocket'], extraHeaders: { Origin: ALLOWED_ORIGIN } });
      await allowed.waitForState('connected');
      expect(await ask(other, 'whoami')).toMatchObject({ userId: 'sdk-origin', authMethod: 'ticket' });
    });
  });

  describe('JWT fallback (allowJwtFallback)', () => {
    let front: ApiOutageFront | undefined;
    afterEach(async () => {
      await front?.close();
      front = undefined;
    });

    it.each<OutageMode>(['http-503', 'unreachable'])('connects with auth.token when the ticket endpoint is down (%s), after its retries', async (mode) => {
      front = await ApiOutageFront.start(url, mode);
      const token = devToken({ sub: 'sdk-fallback' });
      const from = recorder.handshakes.length;
      const client = probe({ baseUrl: front.url, getToken: () => token, allowJwtFallback: true, retry: { maxAttempts: 2 } });
      const socket = client.connect({ transports: ['websocket'] });
      await client.waitForState('connected');

      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'sdk-fallback', authMethod: 'jwt' });
      expect(client.of('credential')).toEqual([{ source: 'jwt-fallback', bound: false }]);
      expect(handshakesSince(from)).toEqual([{ token }]);
      expect(front.ticketRequests).toBe(2);
      expect(client.requests.map(({ status }) => status)).toEqual(mode === 'http-503' ? [503, 503] : [0, 0]);
    });

    it('not allowed (the default): an unavailable ticket endpoint is an error event, the JWT is never sent and nothing connects', async () => {
      front = await ApiOutageFront.start(url, 'http-503');
      const from = recorder.handshakes.length;
      const client = probe({ baseUrl: front.url, getToken: () => devToken({ sub: 'sdk-no-fallback' }), retry: { maxAttempts: 2 } });
      const socket = client.connect({ transports: ['websocket'] });

      const error = await client.waitFor('error');
      expect(error).toMatchObject({ code: 'HTTP_503', phase: 'ticket', details: { status: 503 }, isUnavailable: true });
      expect(error.message).toMatch(/ticket endpoint answered 503/);
      // Unavailability is transient: it keeps trying with backoff, still never with the JWT.
      expect(await client.waitForState('reconnecting')).toMatchObject({ reason: 'HTTP_503', delayMs: expect.any(Number) });
      await sleep(QUIET_MS);
      expect(handshakesSince(from)).toEqual([]);
      expect(client.of('credential')).toEqual([]);
      expect(client.of('auth_error')).toEqual([]);
      expect(socket.connected).toBe(false);
    });

    it('a handshake refused as TOKEN_INVALID (fallback with a JWT the server rejects) stops reconnecting and tells the app', async () => {
      front = await ApiOutageFront.start(url, 'http-503');
      const from = recorder.handshakes.length;
      const client = probe({ baseUrl: front.url, getToken: () => forgedToken('sdk-bad-fallback'), allowJwtFallback: true, retry: { maxAttempts: 1 } });
      const socket = client.connect({ transports: ['websocket'] });

      expect(await client.waitFor('auth_error')).toMatchObject({ code: 'TOKEN_INVALID', phase: 'handshake' });
      expect(await client.waitForState('disconnected')).toEqual({ state: 'disconnected', reason: 'TOKEN_INVALID' });
      await sleep(QUIET_MS);
      expect(handshakesSince(from)).toEqual([{ token: expect.any(String) }]);
      expect(front.ticketRequests).toBe(1);
      expect(socket.connected).toBe(false);
    });
  });

  describe('sender-constrained tickets (CONTRACT §6)', () => {
    it('in Node (WebCrypto), binds tickets to a non-extractable key by default and proves possession in the handshake', async () => {
      const from = recorder.handshakes.length;
      const unboundBefore = app.get(TicketCounters).rejectedByReason.unbound_proof;
      const client = probe({ getToken: () => devToken({ sub: 'sdk-bound' }) });
      const socket = client.connect();
      await client.waitForState('connected');

      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'sdk-bound', authMethod: 'ticket' });
      const [generate] = client.requests;
      expect(generate.body).toEqual({ publicKey: { kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) } });
      const [handshake] = handshakesSince(from);
      expect(handshake).toEqual({ ticket: expect.stringMatching(TICKET), ts: expect.any(Number), proof: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/) });
      expect(Math.abs((handshake.ts as number) - Date.now())).toBeLessThan(60_000);
      expect(client.of('credential')).toEqual([expect.objectContaining({ source: 'rest', bound: true })]);
      expect(app.get(TicketCounters).rejectedByReason.unbound_proof).toBe(unboundBefore);
    });

    it('getTicket() gives a bound ticket: refused without the proof, accepted with handshakeAuth(); bind: false gives a plain one', async () => {
      const client = probe({ getToken: () => devToken({ sub: 'sdk-get-bound' }) });
      const stolen = await client.client.getTicket();
      expect(stolen).toMatchObject({ ticket: expect.stringMatching(TICKET), userId: 'sdk-get-bound' });
      expect((await plain.refuse(url, { auth: { ticket: stolen.ticket } })).message).toBe('TICKET_INVALID');

      const { ticket } = await client.client.getTicket();
      const socket = await plain.connect(url, { auth: await client.client.handshakeAuth(ticket) });
      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'sdk-get-bound', authMethod: 'ticket' });

      const unbound = await client.client.getTicket({ bind: false });
      await plain.connect(url, { auth: { ticket: unbound.ticket } });
      expect(client.requests.map(({ body }) => body !== undefined && 'publicKey' in body)).toEqual([true, true, false]);
    });

    it('senderConstrained: false sends no key and no proof, and connects with a plain ticket', async () => {
      const from = recorder.handshakes.length;
      const client = probe({ getToken: () => devToken({ sub: 'sdk-unbound' }), senderConstrained: false, ticket: { ttlSeconds: 60 } });
      const socket = client.connect();
      await client.waitForState('connected');

      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'sdk-unbound', authMethod: 'ticket' });
      expect(client.requests[0].body).toEqual({ ttlSeconds: 60 });
      expect(handshakesSince(from)).toEqual([{ ticket: expect.stringMatching(TICKET) }]);
      expect(client.of('credential')).toEqual([expect.objectContaining({ source: 'rest', bound: false })]);
    });
  });

  describe('refresh before expiry', () => {
    it('sends auth:refresh with a ticket from the app\'s fresher JWT, and the connection outlives the first JWT', async () => {
      const short = tokenExpiringIn('sdk-refresh', 4);
      const long = tokenExpiringIn('sdk-refresh', 600);
      // The app's JWT is about to expire when the socket opens; by the refresh it has a new one.
      const tokens = [short.token, long.token];
      const client = probe({ getToken: () => (tokens.length > 1 ? tokens.shift()! : tokens[0]), refreshBeforeExpiryMs: 2_000 });
      const socket = client.connect();
      await client.waitForState('connected');
      const from = recorder.handshakes.length;
      const mark = client.mark();
      expect(await ask(socket, 'whoami')).toMatchObject({ expiresAt: short.expiresAt });

      expect(await client.waitFor('refreshed', () => true, mark)).toEqual({ expiresAt: long.expiresAt });
      // The resume ticket held so far dies with the first JWT; the keeper gets one that outlives it at once.
      const resume = await client.waitFor('resume_ticket', ({ expiresAt }) => Date.parse(expiresAt) > Date.parse(short.expiresAt), mark, 1_000);
      expect(Date.parse(resume.expiresAt)).toBeGreaterThan(Date.now() + 100_000);
      await sleep(Date.parse(short.expiresAt) - Date.now() + 500);
      expect(socket.connected).toBe(true);
      expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'sdk-refresh', authMethod: 'ticket', expiresAt: long.expiresAt });
      expect(client.of('state', mark)).toEqual([]);
      expect(handshakesSince(from)).toEqual([]);
      expect(client.ticketRequests).toBe(2);
      expect([...client.of('auth_error'), ...client.of('error')]).toEqual([]);
    });
  });
});

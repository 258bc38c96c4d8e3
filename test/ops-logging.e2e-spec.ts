import { createHash, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { io } from 'socket.io-client';
import { LogLine, ServerProcess } from './support/server-process';
import { redisEnv } from './support/test-app';
import { devToken } from './support/tokens';

const GENERATE = '/api/v1/websocket/ticket';
const VALIDATE = '/api/v1/websocket/ticket/validate';
const USER_AGENT = 'ops-logging-test/1.0';

/** The audit reference TicketsService logs: 12 characters of the ticket's SHA-256, base64url. */
const refOf = (ticket: string) => createHash('sha256').update(ticket).digest('base64url').slice(0, 12);

/**
 * The logs of a real server process (stdout, LOG_LEVEL=info) through a full ticket flow:
 * generate, consume, a refused replay, revoke, and requests that put a ticket or a JWT where a
 * careless logger would print it (URL path, query, Authorization header, a forged token).
 */
describe('JSON logs of a full ticket flow', () => {
  let server: ServerProcess;
  const userId = `log-user-${randomUUID().slice(0, 8)}`;
  const userToken = devToken({ sub: userId, email: `${userId}@example.com`, permissions: ['chat:read'] });
  const validatorToken = devToken({ sub: 'log-validator', permissions: ['tickets:validate'] });
  const adminToken = devToken({ sub: 'log-admin', permissions: ['tickets:admin'] });
  const forgedToken = `${userToken.slice(0, -4)}AAAA`;
  const tickets: string[] = [];
  const requestIds: Record<string, string> = {};

  type Json = { ticket: string; valid?: boolean };
  const json = async (response: Promise<Response>) => (await (await response).json()) as Json;

  async function call(name: string, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: {
        'user-agent': USER_AGENT,
        'x-request-id': `ops-${name}`,
        ...headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    requestIds[name] = response.headers.get('x-request-id') ?? '';
    return response;
  }

  const requestLine = (name: string) => server.waitForLog((line) => (line.req as { id?: string } | undefined)?.id === `ops-${name}` && 'res' in line);
  const audit = (event: string, ticket?: string) =>
    server.lines.filter((line) => line.context === 'TicketAudit' && line.event === event && (ticket === undefined || line.ticketRef === refOf(ticket)));

  beforeAll(async () => {
    server = await ServerProcess.start(redisEnv('ops-logging'));

    const first = await json(call('generate', 'POST', GENERATE, userToken, {}));
    tickets.push(first.ticket);
    expect((await json(call('consume', 'POST', VALIDATE, validatorToken, { ticket: first.ticket }))).valid).toBe(true);
    expect((await json(call('replay', 'POST', VALIDATE, validatorToken, { ticket: first.ticket }))).valid).toBe(false);

    const second = await json(call('generate-2', 'POST', GENERATE, userToken, {}));
    tickets.push(second.ticket);
    expect((await call('revoke', 'DELETE', `${GENERATE}/${second.ticket}`, userToken)).status).toBe(204);
    expect((await json(call('after-revoke', 'POST', VALIDATE, validatorToken, { ticket: second.ticket }))).valid).toBe(false);

    const third = await json(call('generate-3', 'POST', GENERATE, userToken, {}));
    tickets.push(third.ticket);
    const socket = io(server.baseUrl, { auth: { ticket: third.ticket }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    socket.disconnect();

    // A backend that hangs up right after asking: the ticket is consumed, and that is logged.
    const fourth = await json(call('generate-4', 'POST', GENERATE, userToken, {}));
    tickets.push(fourth.ticket);
    const body = JSON.stringify({ ticket: fourth.ticket });
    const { port } = new URL(server.baseUrl);
    await new Promise<void>((resolve, reject) => {
      const client = connect(Number(port), '127.0.0.1', () => {
        client.end(
          `POST ${VALIDATE} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: ops-hung-up\r\nAuthorization: Bearer ${validatorToken}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
      });
      client.on('error', reject);
      client.on('close', () => resolve());
      client.resume();
    });

    expect((await call('malformed', 'POST', VALIDATE, validatorToken, { ticket: 'tkt_short' })).status).toBe(200);
    expect((await call('forged', 'POST', GENERATE, forgedToken, {})).status).toBe(401);
    expect((await call('unknown-route', 'GET', `/nope/${first.ticket}?ticket=${second.ticket}&token=${userToken}`, userToken)).status).toBe(404);

    // Client-controlled values shaped like secrets, in places that are logged: the request id
    // (also echoed), the user agent of a replay warning, and revoke-all's userId and reason.
    const fifth = await json(call('generate-5', 'POST', GENERATE, userToken, {}));
    tickets.push(fifth.ticket);
    expect((await json(call('consume-5', 'POST', VALIDATE, validatorToken, { ticket: fifth.ticket }))).valid).toBe(true);
    const hostile = { 'x-request-id': fifth.ticket, 'user-agent': `Mozilla/5.0 (${userToken})` };
    expect((await json(call('hostile-replay', 'POST', VALIDATE, validatorToken, { ticket: fifth.ticket }, hostile))).valid).toBe(false);
    const revokeAll = `/api/v1/websocket/tickets?userId=${first.ticket}&disconnect=true&reason=${second.ticket}`;
    expect((await call('hostile-revoke-all', 'DELETE', revokeAll, adminToken)).status).toBe(200);
    await server.waitForLog((line) => line.event === 'ws.user_disconnected');

    const noId = await fetch(`${server.baseUrl}/health/live`);
    requestIds.generated = noId.headers.get('x-request-id') ?? '';

    await requestLine('unknown-route');
    await server.waitForLog((line) => (line.req as { id?: string } | undefined)?.id === requestIds.generated && 'res' in line);
  }, 60_000);

  afterAll(() => server?.stop());

  it('writes nothing but JSON lines', () => {
    expect(server.lines.filter((line) => 'notJson' in line)).toEqual([]);
  });

  it('never contains a ticket or a JWT, wherever they were sent', () => {
    for (const secret of [...tickets, userToken, validatorToken, forgedToken]) {
      expect(server.output).not.toContain(secret);
    }
    expect(server.output).not.toMatch(/tkt_[A-Za-z0-9_-]{20,}/);
    expect(server.output).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
    expect(server.output).not.toMatch(/Bearer /i);
  });

  it('logs each request once with its request id, method, route template, status and duration', async () => {
    const generate = await requestLine('generate');
    expect(generate).toMatchObject({ req: { id: 'ops-generate', method: 'POST' }, route: GENERATE, res: { statusCode: 201 } });
    expect(typeof generate.responseTime).toBe('number');
    expect(requestIds.generate).toBe('ops-generate');

    // The ticket in the path is logged as the template, the unknown route with the secrets scrubbed.
    expect(await requestLine('revoke')).toMatchObject({ route: `${GENERATE}/:ticket`, res: { statusCode: 204 } });
    expect(await requestLine('unknown-route')).toMatchObject({ route: '/nope/[REDACTED]', res: { statusCode: 404 } });
    expect(await requestLine('forged')).toMatchObject({ res: { statusCode: 401 }, level: 40 });

    const lines = server.lines.filter((line) => (line.req as { id?: string } | undefined)?.id === 'ops-consume' && 'res' in line);
    expect(lines).toHaveLength(1);
  });

  it('writes a ticket request as one line: the access line carries the audit event', async () => {
    for (const [name, event, statusCode] of [
      ['generate', 'ticket.issued', 201],
      ['consume', 'ticket.consumed', 200],
      ['revoke', 'ticket.revoked', 204],
    ] as const) {
      await requestLine(name);
      const lines = server.lines.filter((line) => (line.req as { id?: string } | undefined)?.id === `ops-${name}`);
      expect(lines).toEqual([expect.objectContaining({ context: 'TicketAudit', event, res: { statusCode }, msg: 'request completed', level: 30 })]);
    }
  });

  it('replaces a request id shaped like a ticket, and scrubs such values from the fields of a line', () => {
    const fifth = tickets[4];
    expect(requestIds['hostile-replay']).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIds['hostile-replay']).not.toBe(fifth);
    const [replay] = audit('ticket.refused', fifth);
    expect(replay).toMatchObject({ reason: 'replayed', userAgent: expect.stringMatching(/^Mozilla\/5\.0 \(\[REDACTED\]/), req: { id: requestIds['hostile-replay'] } });
    expect(audit('tickets.revoked_all')).toEqual([expect.objectContaining({ userId: '[REDACTED]', by: 'log-admin' })]);
    expect(server.lines.find((line) => line.event === 'ws.user_disconnected')).toMatchObject({ userId: '[REDACTED]', reason: '[REDACTED]' });
  });

  it('generates a request id when the caller sends none, and echoes it', () => {
    expect(requestIds.generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.lines.some((line) => (line.req as { id?: string } | undefined)?.id === requestIds.generated)).toBe(true);
  });

  it('writes exactly one audit line for issue, consume, refusal and revoke, with the user and a short hash', () => {
    const [first, second] = tickets;
    expect(audit('ticket.issued', first)).toEqual([expect.objectContaining({ userId, ticketRef: refOf(first), level: 30 })]);
    expect(audit('ticket.consumed', first)).toEqual([expect.objectContaining({ userId, via: 'validate' })]);
    expect(audit('ticket.revoked', second)).toEqual([expect.objectContaining({ by: userId, ticketRef: refOf(second) })]);
    expect(audit('ticket.refused', second)).toEqual([expect.objectContaining({ reason: 'revoked', userId })]);
    expect(audit('ticket.refused').filter((line) => line.reason === 'malformed')).toHaveLength(1);
    // Audit lines carry the request id of the request that caused them.
    expect(audit('ticket.issued', first)[0].req).toMatchObject({ id: 'ops-generate' });
  });

  it('writes the audit events of a socket handshake on lines of their own', async () => {
    const third = tickets[2];
    await server.waitForLog((line) => line.event === 'ws.connected' && line.userId === userId);
    expect(audit('ticket.consumed', third)).toEqual([expect.objectContaining({ userId, via: 'handshake', level: 30 })]);
    expect(audit('ticket.consumed', third)[0]).not.toHaveProperty('res');
  });

  it('logs the audit event of a request whose client hung up before the answer', async () => {
    const consumed = await server.waitForLog((line) => line.event === 'ticket.consumed' && line.ticketRef === refOf(tickets[3]));
    expect(consumed).toMatchObject({ context: 'TicketAudit', userId, via: 'validate', req: { id: 'ops-hung-up' } });
    expect(audit('ticket.consumed', tickets[3])).toHaveLength(1);
  });

  it('warns about the replay of a consumed ticket with the client address and user agent', () => {
    const [replay] = audit('ticket.refused', tickets[0]) as LogLine[];
    expect(replay).toMatchObject({
      level: 40,
      reason: 'replayed',
      userId,
      via: 'validate',
      userAgent: USER_AGENT,
      msg: 'Replay of a consumed ticket',
    });
    expect(String(replay.address)).toMatch(/127\.0\.0\.1$/);
    expect(audit('ticket.refused', tickets[0])).toHaveLength(1);
    // A 200 answer, logged at the warning's level on the request's own line.
    expect(replay).toMatchObject({ req: { id: 'ops-replay' }, res: { statusCode: 200 } });
  });
});

import { ServerClock } from './server-clock';
import { IssuedTicket, TicketEndpoint } from './ticket-endpoint';
import { TicketgateError } from './ticketgate-error';

const TICKET = `tkt_${'A'.repeat(43)}`;
const ISSUED: IssuedTicket = { ticket: TICKET, expiresAt: '2026-11-22T10:05:00.000Z', ttlSeconds: 300, userId: 'alice', permissions: [] };

function answer(status: number, body?: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function endpointWith(fetch: jest.Mock, getToken: () => string | Promise<string> = () => 'jwt-1') {
  return new TicketEndpoint({
    baseUrl: 'https://tg.example/prefix',
    getToken,
    fetch: fetch as unknown as typeof globalThis.fetch,
    retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 },
    requestTimeoutMs: 10_000,
    clock: new ServerClock(),
  });
}

/** Resolves with the rejection of `promise`, failing the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<TicketgateError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: TicketgateError) => error,
  );
}

describe('TicketEndpoint', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('POSTs the request with the bearer JWT and the public key, and returns the 201 body', async () => {
    const fetch = jest.fn().mockResolvedValue(answer(201, ISSUED));
    const publicKey = { kty: 'EC' as const, crv: 'P-256' as const, x: 'x'.repeat(43), y: 'y'.repeat(43) };
    await expect(endpointWith(fetch, () => 'Bearer jwt-1').issue({ ttlSeconds: 60 }, publicKey)).resolves.toEqual(ISSUED);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('https://tg.example/prefix/api/v1/websocket/ticket');
    expect(init).toMatchObject({ method: 'POST', cache: 'no-store', headers: { Authorization: 'Bearer jwt-1', 'Content-Type': 'application/json' } });
    expect(JSON.parse(init.body)).toEqual({ ttlSeconds: 60, publicKey });
  });

  it('retries a 503 no sooner than its Retry-After, with a fresh JWT', async () => {
    const fetch = jest.fn().mockResolvedValueOnce(answer(503, { code: 'STORE_UNAVAILABLE' }, { 'retry-after': '2' })).mockResolvedValueOnce(answer(201, ISSUED));
    let n = 0;
    const issued = endpointWith(fetch, () => `jwt-${++n}`).issue();
    await jest.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledTimes(1);
    // Retry-After 2 s plus half a base step of jitter (Math.random is 0.5).
    await jest.advanceTimersByTimeAsync(2_249);
    expect(fetch).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    await expect(issued).resolves.toEqual(ISSUED);
    expect(fetch.mock.calls[1][1].headers.Authorization).toBe('Bearer jwt-2');
  });

  it('backs off exponentially on 429 without Retry-After, and gives up after maxAttempts with the last answer', async () => {
    const callTimes: number[] = [];
    const fetch = jest.fn().mockImplementation(async () => {
      callTimes.push(Date.now());
      return answer(429, { code: 'RATE_LIMITED', message: 'slow down' });
    });
    const start = Date.now();
    const failed = rejectionOf(endpointWith(fetch).issue());
    await jest.advanceTimersByTimeAsync(60_000);
    const error = await failed;
    expect(fetch).toHaveBeenCalledTimes(4);
    // Waits of 375, 750, 1500 ms: 3/4 of 500 · 2^n with Math.random at 0.5.
    expect(callTimes.map((at) => at - start)).toEqual([0, 375, 1_125, 2_625]);
    expect(error).toBeInstanceOf(TicketgateError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', phase: 'ticket', isTransient: true, isAuthError: false, details: { status: 429 } });
  });

  it.each([
    [401, 'UNAUTHORIZED', true],
    [403, 'FORBIDDEN', true],
    [400, 'VALIDATION_FAILED', false],
    [404, 'NOT_FOUND', false],
  ])('never retries a %s', async (status, code, isAuthError) => {
    const fetch = jest.fn().mockResolvedValue(answer(status, { statusCode: status, code, message: ['m1', 'm2'] }));
    const error = await rejectionOf(endpointWith(fetch).issue());
    await jest.advanceTimersByTimeAsync(60_000);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(error).toMatchObject({ code, isAuthError, isTransient: false, details: { status } });
    expect(error.message).toContain('m1; m2');
  });

  it('fails at once, carrying it, when Retry-After is longer than maxDelayMs', async () => {
    const fetch = jest.fn().mockResolvedValue(answer(429, { code: 'TOO_MANY_ACTIVE_TICKETS' }, { 'retry-after': '300' }));
    const error = await rejectionOf(endpointWith(fetch).issue());
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(error).toMatchObject({ code: 'TOO_MANY_ACTIVE_TICKETS', details: { status: 429, retryAfterMs: 300_000 } });
  });

  it('retries a network failure, then reports the endpoint unreachable (which allows the JWT fallback)', async () => {
    const fetch = jest.fn().mockRejectedValue(new TypeError('fetch failed'));
    const failed = rejectionOf(endpointWith(fetch).issue());
    await jest.advanceTimersByTimeAsync(60_000);
    const error = await failed;
    expect(fetch).toHaveBeenCalledTimes(4);
    expect(error).toMatchObject({ code: 'TICKET_ENDPOINT_UNREACHABLE', isUnavailable: true });
  });

  it('sends nothing when getToken fails or returns nothing', async () => {
    const fetch = jest.fn();
    expect(await rejectionOf(endpointWith(fetch, () => { throw new Error('signed out'); }).issue())).toMatchObject({ code: 'TOKEN_UNAVAILABLE', isAuthError: true });
    expect(await rejectionOf(endpointWith(fetch, () => '  ').issue())).toMatchObject({ code: 'TOKEN_UNAVAILABLE' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('refuses a 201 that carries no ticket', async () => {
    const fetch = jest.fn().mockResolvedValue(answer(201, { ticket: 'nope' }));
    expect(await rejectionOf(endpointWith(fetch).issue())).toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('revokes all with the disconnect flag and reason in the query', async () => {
    const fetch = jest.fn().mockResolvedValue(answer(200, { revoked: 2, disconnected: 1 }));
    await expect(endpointWith(fetch).revokeAll({ disconnect: true, reason: 'log out' })).resolves.toEqual({ revoked: 2, disconnected: 1 });
    expect(fetch.mock.calls[0][0]).toBe('https://tg.example/prefix/api/v1/websocket/tickets?disconnect=true&reason=log+out');
    expect(fetch.mock.calls[0][1]).toMatchObject({ method: 'DELETE' });
  });
});

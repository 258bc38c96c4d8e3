import { isTicket } from './mask-ticket';
import { readToken } from './read-token';
import type { PublicJwk } from './proof-key';
import { parseRetryAfter, RetryOptions, retryDelay, sleep } from './retry-policy';
import type { ServerClock } from './server-clock';
import { TicketgateError } from './ticketgate-error';

/** The 201 body of Generate (CONTRACT §3). */
export interface IssuedTicket {
  ticket: string;
  /** ISO-8601. */
  expiresAt: string;
  ttlSeconds: number;
  userId: string;
  permissions: string[];
}

/** Fields of a Generate request; every one optional (CONTRACT §3). */
export interface TicketRequest {
  ttlSeconds?: number;
  permissions?: string[];
  metadata?: Record<string, unknown>;
}

/** The 200 body of revoke-all. */
export interface RevokeAllResult {
  revoked: number;
  disconnected: number;
}

export interface TicketEndpointSettings {
  /** Origin plus any path prefix, without a trailing slash. */
  baseUrl: string;
  getToken: () => string | Promise<string>;
  fetch: typeof fetch;
  retry: RetryOptions;
  requestTimeoutMs: number;
  clock: ServerClock;
}

const GENERATE_PATH = '/api/v1/websocket/ticket';
const REVOKE_ALL_PATH = '/api/v1/websocket/tickets';
/** Answers worth another try: rate limits and a service (or the proxy before it) that is down. */
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * The REST side: Generate with retries (exponential backoff with jitter on 429, 502, 503, 504 and
 * network failures, honouring `Retry-After`; never on 401/403 or other answers) and revoke-all.
 * Asks `getToken` for the JWT before every request, so a refreshed token is picked up at once.
 */
export class TicketEndpoint {
  constructor(private readonly settings: TicketEndpointSettings) {}

  /** Generates a ticket, bound to `publicKey` when given. Rejects with a `TicketgateError`. */
  async issue(request: TicketRequest = {}, publicKey?: PublicJwk): Promise<IssuedTicket> {
    const body = JSON.stringify({ ...request, ...(publicKey ? { publicKey } : {}) });
    const { maxAttempts, maxDelayMs } = this.settings.retry;
    for (let attempt = 0; ; attempt++) {
      try {
        return parseIssued(await this.send('POST', GENERATE_PATH, body, 201));
      } catch (error) {
        if (!(error instanceof TicketgateError) || !error.isTransient || attempt + 1 >= maxAttempts) throw error;
        // Asked to wait longer than we would: fail now, and let the caller wait (it knows how long).
        if ((error.details.retryAfterMs ?? 0) > maxDelayMs) throw error;
        await sleep(retryDelay(attempt, this.settings.retry, error.details.retryAfterMs));
      }
    }
  }

  /** `DELETE /api/v1/websocket/tickets`: revokes the caller's unconsumed tickets, and with `disconnect` their sockets. */
  async revokeAll(options: { disconnect?: boolean; reason?: string } = {}): Promise<RevokeAllResult> {
    const query = new URLSearchParams();
    if (options.disconnect) query.set('disconnect', 'true');
    if (options.reason !== undefined) query.set('reason', options.reason);
    const search = query.toString();
    return (await this.send('DELETE', `${REVOKE_ALL_PATH}${search ? `?${search}` : ''}`, undefined, 200)) as RevokeAllResult;
  }

  private async send(method: string, path: string, body: string | undefined, expected: number): Promise<unknown> {
    const token = await readToken(this.settings.getToken);
    const sentAt = Date.now();
    let response: Response;
    try {
      // `cache` is standard fetch (Node's included), though missing from @types/node's RequestInit.
      const init: RequestInit & { cache: 'no-store' } = {
        method,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body,
        cache: 'no-store',
        signal: AbortSignal.timeout(this.settings.requestTimeoutMs),
      };
      response = await this.settings.fetch(`${this.settings.baseUrl}${path}`, init);
    } catch (error) {
      throw new TicketgateError('TICKET_ENDPOINT_UNREACHABLE', `The ticket endpoint did not answer (${describe(error)})`, 'ticket', { cause: error });
    }
    this.settings.clock.observe(response.headers.get('date'), sentAt, Date.now());
    const payload: unknown = await response.json().catch(() => undefined);
    if (response.status === expected) return payload;
    throw failure(response, payload);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The server's `{ statusCode, code, message }` as a `TicketgateError` (CONTRACT §3). */
function failure(response: Response, payload: unknown): TicketgateError {
  const { status } = response;
  const fields = typeof payload === 'object' && payload !== null ? (payload as { code?: unknown; message?: unknown }) : {};
  const fallbackCode = status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'FORBIDDEN' : `HTTP_${status}`;
  const code = typeof fields.code === 'string' ? fields.code : fallbackCode;
  const message = Array.isArray(fields.message) ? fields.message.join('; ') : typeof fields.message === 'string' ? fields.message : `HTTP ${status}`;
  const retryAfterMs = RETRYABLE_STATUS.has(status) ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
  return new TicketgateError(code, `The ticket endpoint answered ${status} ${code}: ${message}`, 'ticket', { status, retryAfterMs });
}

function parseIssued(payload: unknown): IssuedTicket {
  const body = payload as Partial<IssuedTicket> | undefined;
  if (!body || !isTicket(body.ticket) || typeof body.expiresAt !== 'string') {
    throw new TicketgateError('BAD_RESPONSE', 'The ticket endpoint answered 201 without a ticket', 'ticket');
  }
  return body as IssuedTicket;
}

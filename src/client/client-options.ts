import type { TicketRequest } from './ticket-endpoint';
import { DEFAULT_RETRY, RetryOptions } from './retry-policy';
import { webCryptoAvailable } from './proof-key';

/** Options of `createTicketgateClient`. Only `getToken` is required in browsers. */
export interface TicketgateClientOptions {
  /**
   * Where Ticketgate serves, e.g. `https://tickets.example.com`; a path prefix is kept
   * (`https://example.com/ticketgate` → `/ticketgate/api/…` and `/ticketgate/socket.io`).
   * Default in browsers: the page's origin. Required in Node.
   */
  baseUrl?: string;
  /** The app's current JWT (with or without `Bearer `). Called before every ticket request, so return a fresh one. */
  getToken: () => string | Promise<string>;
  /**
   * Bind tickets to this page's non-extractable WebCrypto key and sign the handshake proof
   * (CONTRACT §6). Default: true where WebCrypto is available (browsers on https or localhost, Node ≥ 20).
   */
  senderConstrained?: boolean;
  /**
   * When the ticket endpoint is unreachable or answers 502/503/504 (after retries), connect with
   * the JWT in `auth.token` instead. Default false: the attempt fails with an `error` event.
   */
  allowJwtFallback?: boolean;
  /** Fields sent with every Generate request: `ttlSeconds`, `permissions`, `metadata`. */
  ticket?: TicketRequest;
  /** Retries of the ticket endpoint and of refused or failed attempts. */
  retry?: Partial<RetryOptions>;
  /** Send `auth:refresh` this many ms before the session expires (default 60 000); false never refreshes. */
  refreshBeforeExpiryMs?: number | false;
  /** Hold a resume ticket for reconnects, rotated before it expires (default true). */
  resumeTickets?: boolean;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Timeout of each ticket endpoint request in ms (default 10 000). */
  requestTimeoutMs?: number;
  /** Timeout of `auth:refresh`, `auth:resume-ticket` and `whoami` acknowledgements in ms (default 10 000). */
  ackTimeoutMs?: number;
}

/** Options with every default applied, and where the REST API and the socket live. */
export interface ResolvedOptions {
  restBaseUrl: string;
  socketUrl: string;
  socketPath: string;
  getToken: () => string | Promise<string>;
  senderConstrained: boolean;
  allowJwtFallback: boolean;
  ticket: TicketRequest;
  retry: RetryOptions;
  refreshBeforeExpiryMs: number | false;
  resumeTickets: boolean;
  fetch: typeof fetch;
  requestTimeoutMs: number;
  ackTimeoutMs: number;
}

/** Validates options and applies defaults; throws a `TypeError` naming the bad option. */
export function resolveOptions(options: TicketgateClientOptions): ResolvedOptions {
  if (typeof options?.getToken !== 'function') throw new TypeError('createTicketgateClient: getToken must be a function returning the JWT');
  const base = baseUrlOf(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const senderConstrained = options.senderConstrained ?? webCryptoAvailable();
  if (senderConstrained && !webCryptoAvailable()) {
    throw new TypeError('createTicketgateClient: senderConstrained needs WebCrypto (crypto.subtle), which this page does not have (plain http?)');
  }
  const refresh = options.refreshBeforeExpiryMs ?? 60_000;
  if (refresh !== false && !(Number.isFinite(refresh) && refresh >= 0)) throw new TypeError('createTicketgateClient: refreshBeforeExpiryMs must be a number of ms ≥ 0, or false');
  // A bare reference to window.fetch called as another object's method throws "Illegal invocation".
  const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);
  return {
    restBaseUrl: `${base.origin}${prefix}`,
    socketUrl: base.origin,
    socketPath: `${prefix}/socket.io`,
    getToken: options.getToken,
    senderConstrained,
    allowJwtFallback: options.allowJwtFallback ?? false,
    ticket: options.ticket ?? {},
    retry: { ...DEFAULT_RETRY, ...options.retry },
    refreshBeforeExpiryMs: refresh,
    resumeTickets: options.resumeTickets ?? true,
    fetch: options.fetch ?? globalFetch,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    ackTimeoutMs: options.ackTimeoutMs ?? 10_000,
  };
}

function baseUrlOf(baseUrl: string | undefined): URL {
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  if (baseUrl === undefined && page === undefined) throw new TypeError('createTicketgateClient: baseUrl is required outside browsers');
  try {
    const url = new URL(baseUrl ?? '/', page);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return url;
  } catch {
    throw new TypeError(`createTicketgateClient: baseUrl ${JSON.stringify(baseUrl)} is not an http(s) URL`);
  }
}

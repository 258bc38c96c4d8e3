import { io, ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { ClientEvents, TicketgateEventName, TicketgateListener } from './client-events';
import { resolveOptions, ResolvedOptions, TicketgateClientOptions } from './client-options';
import { Credentials, HandshakeAuth } from './credentials';
import { pageProofKey } from './proof-key';
import { ServerClock } from './server-clock';
import { SocketConnection } from './socket-connection';
import { IssuedTicket, RevokeAllResult, TicketEndpoint, TicketRequest } from './ticket-endpoint';
import { TicketgateError } from './ticketgate-error';

/** socket.io-client options `connect` accepts: all of them but `auth`, which the client owns. */
export type ConnectOptions = Partial<Omit<ManagerOptions & SocketOptions, 'auth'>>;

/**
 * A Ticketgate client: tickets from the REST API, and Socket.IO connections that present a new
 * one on every attempt (CONTRACT §8). Make one per app (or per socket, to tell sockets' events
 * apart) with `createTicketgateClient`.
 */
export class TicketgateClient {
  private readonly options: ResolvedOptions;
  private readonly events = new ClientEvents();
  private readonly endpoint: TicketEndpoint;
  private readonly credentials: Credentials;
  private readonly clock = new ServerClock();

  constructor(options: TicketgateClientOptions) {
    this.options = resolveOptions(options);
    const { restBaseUrl, getToken, fetch, retry, requestTimeoutMs, senderConstrained, allowJwtFallback, ticket } = this.options;
    this.endpoint = new TicketEndpoint({ baseUrl: restBaseUrl, getToken, fetch, retry, requestTimeoutMs, clock: this.clock });
    this.credentials = new Credentials({
      endpoint: this.endpoint,
      clock: this.clock,
      proofKey: senderConstrained ? pageProofKey : async () => undefined,
      getToken,
      allowJwtFallback,
      ticketRequest: ticket,
    });
  }

  /**
   * Generates a ticket: the 201 body of `POST /api/v1/websocket/ticket`. Sender-constrained
   * clients bind it to the page's key (present it with `handshakeAuth`) unless `bind` is false,
   * as a ticket meant for the validate endpoint must be. Retries 429/503 with backoff; rejects
   * with a `TicketgateError` (401/403 also emit `auth_error`).
   */
  async getTicket(request: TicketRequest & { bind?: boolean } = {}): Promise<IssuedTicket> {
    const { bind = true, ...fields } = request;
    return this.reporting(this.credentials.issue(fields, bind));
  }

  /** The handshake `auth` for a ticket from `getTicket`: `{ ticket, ts, proof }` when a proof key exists, else `{ ticket }`. */
  handshakeAuth(ticket: string): Promise<HandshakeAuth> {
    return this.credentials.ticketAuth(ticket);
  }

  /**
   * Opens a socket.io-client Socket to Ticketgate whose `auth` is a function: each connection
   * attempt, reconnects included, presents a credential of its own and no ticket is presented
   * twice. Handles refusals, resume tickets, refresh before expiry and `server_shutdown`; see
   * the client's events. `options` are socket.io-client's, except `auth`.
   */
  connect(options: ConnectOptions = {}): Socket {
    if ('auth' in options) throw new TypeError('connect(): auth is set by the Ticketgate client; pass the other socket.io-client options only');
    const { events, credentials, clock } = this;
    const { retry, refreshBeforeExpiryMs, resumeTickets, ackTimeoutMs, socketUrl, socketPath } = this.options;
    const connection = new SocketConnection({ credentials, events, clock, retry, refreshBeforeExpiryMs, resumeTickets, ackTimeoutMs });
    const socket = io(socketUrl, { path: socketPath, ...options, auth: connection.authenticate as unknown as SocketOptions['auth'] });
    connection.attach(socket);
    return socket;
  }

  /**
   * Revokes every unconsumed ticket of the current user (`DELETE /api/v1/websocket/tickets`);
   * with `disconnect`, also ends that user's live sockets everywhere (they get `session_revoked`).
   */
  revokeAll(options: { disconnect?: boolean; reason?: string } = {}): Promise<RevokeAllResult> {
    return this.reporting(this.endpoint.revokeAll(options));
  }

  /** Listens to one of the client's events (`state`, `credential`, `resume_ticket`, `auth_error`, `error`, `refreshed`); returns a function that stops listening. */
  on<E extends TicketgateEventName>(event: E, listener: TicketgateListener<E>): () => void {
    return this.events.on(event, listener);
  }

  /** Stops a listener added with `on`. */
  off<E extends TicketgateEventName>(event: E, listener: TicketgateListener<E>): void {
    this.events.off(event, listener);
  }

  /** Passes the result through, telling `auth_error` listeners about auth failures on the way. */
  private async reporting<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (error instanceof TicketgateError && error.isAuthError) this.events.emit('auth_error', error);
      throw error;
    }
  }
}

/** Creates a Ticketgate client (CONTRACT §8): `createTicketgateClient({ baseUrl, getToken })`. */
export function createTicketgateClient(options: TicketgateClientOptions): TicketgateClient {
  return new TicketgateClient(options);
}

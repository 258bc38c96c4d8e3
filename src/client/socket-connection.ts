import type { Socket } from 'socket.io-client';
import type { ClientEvents, ConnectionState, TicketgateClientEvents } from './client-events';
import type { Credential, Credentials, HandshakeAuth } from './credentials';
import { RetryOptions, retryDelay, spreadDelay } from './retry-policy';
import { SessionKeeper, SessionSettings } from './session-keeper';
import { isFatalHandshakeCode, TicketgateError } from './ticketgate-error';

/** A refused handshake blocks its address for the rest of a one-minute window (CONTRACT §4). */
export const HANDSHAKE_RATE_LIMIT_WAIT_MS = 60_000;

export interface ConnectionSettings extends SessionSettings {
  credentials: Credentials;
  events: ClientEvents;
  retry: RetryOptions;
}

/** What a refused handshake's `connect_error` carries (CONTRACT §4). */
type ConnectError = Error & { data?: { code?: unknown; message?: unknown } };

/**
 * Drives one socket.io-client Socket through Ticketgate's rules. Its `authenticate` is the
 * socket's `auth` function, so every connection attempt, socket.io-client's own reconnects
 * included, presents a credential made for it: the held resume ticket, else a fresh one from
 * the REST endpoint (else, when allowed and the endpoint is down, the JWT). A refused handshake
 * is retried as its code deserves: `TICKET_INVALID` once with a new ticket; `TOKEN_INVALID`,
 * `TOKEN_EXPIRED`, `AUTH_REQUIRED`, `FORBIDDEN_ORIGIN` not at all (the app hears `auth_error`);
 * anything else with exponential backoff and jitter. After `server_shutdown` it reconnects;
 * after `session_revoked` or `session_expired` it does not.
 */
export class SocketConnection {
  private socket!: Socket;
  private session!: SessionKeeper;
  private abandonAttempt!: () => void;
  /** Consecutive failed attempts, for the backoff; reset on connect. */
  private failures = 0;
  private retriedInvalidTicket = false;
  private shutdownAnnounced = false;
  private endedBy?: 'session_revoked' | 'session_expired';
  private retryTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly settings: ConnectionSettings) {}

  /** The socket's `auth` function: called by socket.io-client once per connection attempt. */
  readonly authenticate = (send: (auth: HandshakeAuth) => void): void => {
    const engine = this.socket.io.engine;
    this.cancelRetry();
    this.setState('connecting');
    this.nextCredential().then(
      (credential) => {
        // Superseded (the transport closed, the app disconnected): the credential is dropped unsent.
        if (!this.isCurrentAttempt(engine)) return;
        this.settings.events.emit('credential', credential.event);
        send(credential.auth);
      },
      (error: unknown) => {
        if (this.isCurrentAttempt(engine)) this.onCredentialFailure(asTicketgateError(error));
      },
    );
  };

  /** Wires the socket's events. Call right after creating the socket, before it can connect. */
  attach(socket: Socket): void {
    this.socket = socket;
    this.session = new SessionKeeper(socket, this.settings);
    this.abandonAttempt = socket.disconnect.bind(socket);
    // An app's disconnect() must also cancel a retry we scheduled; socket.io-client has no event for it.
    socket.disconnect = () => {
      // Connected, the `disconnect` event reports it; between attempts nothing else would.
      const wasConnected = socket.connected;
      this.cancelRetry();
      this.abandonAttempt();
      if (!wasConnected) this.setState('disconnected', 'io client disconnect');
      return socket;
    };
    socket.on('connect', () => this.onConnect());
    socket.on('connect_error', (error: ConnectError) => this.onConnectError(error));
    socket.on('disconnect', (reason) => this.onDisconnect(reason));
    socket.on('server_shutdown', () => {
      this.shutdownAnnounced = true;
    });
    socket.on('session_revoked', () => this.endSession('session_revoked'));
    socket.on('session_expired', () => this.endSession('session_expired'));
  }

  private nextCredential(): Promise<Credential> {
    const held = this.session.takeResumeTicket();
    return held ? this.settings.credentials.resumed(held.ticket, held.expiresAt) : this.settings.credentials.fresh();
  }

  private isCurrentAttempt(engine: Socket['io']['engine']): boolean {
    return this.socket.active && !this.socket.connected && this.socket.io.engine === engine && engine.readyState === 'open';
  }

  private onConnect(): void {
    this.failures = 0;
    this.retriedInvalidTicket = false;
    this.shutdownAnnounced = false;
    this.endedBy = undefined;
    this.setState('connected');
    this.session.start();
  }

  /** No credential for this attempt: give it up, then retry later or stop, as the failure says. */
  private onCredentialFailure(error: TicketgateError): void {
    // Otherwise the open transport would idle until the server's connect timeout.
    this.abandonAttempt();
    if (error.isTransient) this.retryLater(error);
    else this.stop(error);
  }

  private onConnectError(error: ConnectError): void {
    // Transport trouble: socket.io-client reconnects by itself, and asks `auth` again.
    if (this.socket.active) return;
    const code = typeof error.data?.code === 'string' ? error.data.code : error.message;
    const message = typeof error.data?.message === 'string' ? error.data.message : error.message;
    if (code === 'TICKET_INVALID' && !this.retriedInvalidTicket) {
      this.retriedInvalidTicket = true;
      this.socket.connect();
      return;
    }
    const refusal = new TicketgateError(code, `The server refused the connection: ${code} (${message})`, 'handshake');
    if (code === 'TICKET_INVALID' || isFatalHandshakeCode(code)) this.stop(refusal);
    else this.retryLater(refusal, code === 'RATE_LIMITED' ? HANDSHAKE_RATE_LIMIT_WAIT_MS : undefined);
  }

  private onDisconnect(reason: Socket.DisconnectReason): void {
    this.session.pause();
    if (reason === 'io server disconnect') {
      if (this.endedBy) {
        this.setState('disconnected', this.endedBy);
      } else if (this.shutdownAnnounced) {
        // socket.io-client never reconnects after a server-side disconnect; this one asked for it.
        this.shutdownAnnounced = false;
        this.schedule(spreadDelay(this.settings.retry), 'server_shutdown');
      } else {
        this.setState('disconnected', reason);
      }
    } else if (reason === 'io client disconnect' || !this.socket.io.reconnection()) {
      this.setState('disconnected', reason);
    } else {
      this.setState('reconnecting', reason);
    }
  }

  private endSession(reason: 'session_revoked' | 'session_expired'): void {
    this.endedBy = reason;
    this.session.end();
  }

  /** Tells the app, then tries again after the backoff (at least `retryAfterMs`), within socket.io-client's reconnection settings. */
  private retryLater(error: TicketgateError, retryAfterMs = error.details.retryAfterMs): void {
    this.settings.events.emit(error.isAuthError ? 'auth_error' : 'error', error);
    const io = this.socket.io;
    if (!io.reconnection() || this.failures >= io.reconnectionAttempts()) {
      this.setState('disconnected', error.code);
      this.failures = 0;
      return;
    }
    this.schedule(retryDelay(this.failures++, this.settings.retry, retryAfterMs), error.code);
  }

  private schedule(delayMs: number, reason: string): void {
    this.cancelRetry();
    this.setState('reconnecting', reason, delayMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.socket.connect();
    }, delayMs);
  }

  /** Gives up until the app calls `socket.connect()` again, and says why. */
  private stop(error: TicketgateError): void {
    this.cancelRetry();
    this.failures = 0;
    this.retriedInvalidTicket = false;
    this.settings.events.emit(error.isAuthError ? 'auth_error' : 'error', error);
    this.setState('disconnected', error.code);
  }

  private cancelRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private setState(state: ConnectionState, reason?: string, delayMs?: number): void {
    const payload: TicketgateClientEvents['state'] = { state };
    if (reason !== undefined) payload.reason = reason;
    if (delayMs !== undefined) payload.delayMs = delayMs;
    this.settings.events.emit('state', payload);
  }
}

function asTicketgateError(error: unknown): TicketgateError {
  return error instanceof TicketgateError ? error : new TicketgateError('CLIENT_ERROR', error instanceof Error ? error.message : String(error), 'ticket', { cause: error });
}

import type { TicketgateError } from './ticketgate-error';

/** Connection states a socket made by `connect()` goes through. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** Payloads of the events a `TicketgateClient` emits. None ever holds a whole ticket or a JWT. */
export interface TicketgateClientEvents {
  /** The socket's state changed. `reason` says why it is disconnected; `delayMs` when the next attempt is due. */
  state: { state: ConnectionState; reason?: string; delayMs?: number };
  /** A credential was chosen for a connection attempt. `ticket` is masked (`tkt_abcd…wxyz`). */
  credential: { source: 'rest' | 'resume' | 'jwt-fallback'; ticket?: string; expiresAt?: string; bound: boolean };
  /**
   * The app must act on its credentials: the ticket endpoint answered 401/403, `getToken` failed,
   * or the server refused the handshake or a refresh (`TOKEN_EXPIRED`, `TOKEN_INVALID`, …).
   * Reconnecting has stopped when it came from a handshake; get a fresh JWT, then `socket.connect()`.
   */
  auth_error: TicketgateError;
  /** Any other failure: the ticket endpoint unavailable (with no fallback allowed), rate limited, … */
  error: TicketgateError;
  /** A resume ticket is held for the next reconnect (got or rotated); `ticket` is masked. */
  resume_ticket: { ticket: string; expiresAt: string };
  /** `auth:refresh` extended the session; `expiresAt` is ISO-8601, or null for no expiry. */
  refreshed: { expiresAt: string | null };
}

export type TicketgateEventName = keyof TicketgateClientEvents;
export type TicketgateListener<E extends TicketgateEventName> = (payload: TicketgateClientEvents[E]) => void;

/** A minimal typed event emitter that works the same in browsers and Node. */
export class ClientEvents {
  private readonly listeners = new Map<TicketgateEventName, Set<(payload: never) => void>>();

  /** Adds a listener; returns a function that removes it. */
  on<E extends TicketgateEventName>(event: E, listener: TicketgateListener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => this.off(event, listener);
  }

  off<E extends TicketgateEventName>(event: E, listener: TicketgateListener<E>): void {
    this.listeners.get(event)?.delete(listener as (payload: never) => void);
  }

  /** Calls every listener; one that throws is reported asynchronously and does not stop the others. */
  emit<E extends TicketgateEventName>(event: E, payload: TicketgateClientEvents[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as TicketgateListener<E>)(payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

import type { JsonWebKey } from 'node:crypto';
import type { DefaultEventsMap, Socket } from 'socket.io';
import type { WsAuthMethod } from '../config/ws.config';

/** `socket.data.user` (CONTRACT §4): who is on the socket and how they got in. */
export interface SocketUser {
  userId: string;
  email?: string;
  permissions: string[];
  authMethod: WsAuthMethod;
}

/** What the server keeps about a socket's session beyond the user. */
export interface SocketSession {
  /** Stable across reconnects made with resume tickets. */
  id: string;
  /** Epoch milliseconds at which the JWT behind the session expires; null when it has no `exp`. */
  expiresAt: number | null;
  /** Set when the session was opened with a sender-constrained ticket; resume tickets stay bound to it. */
  publicKey?: JsonWebKey;
}

export interface SocketData {
  user: SocketUser;
  session: SocketSession;
}

/** A socket that passed the handshake middleware; only those ever reach `connection`. */
export type AuthenticatedSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>;

/** The room holding every socket of one user, on every instance (through the Redis adapter). */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}

/** Session expiry as clients see it: ISO-8601, or null for a session without expiry. */
export function expiresAtIso(session: SocketSession): string | null {
  return session.expiresAt === null ? null : new Date(session.expiresAt).toISOString();
}

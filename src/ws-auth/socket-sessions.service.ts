import { Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import type { Namespace, Server, Socket } from 'socket.io';
import { DomainException } from '../common/errors';
import { SERVER_SHUTDOWN_EVENT, ShutdownState } from '../lifecycle/shutdown-state';
import { SocketSessions, SocketSessionsRegistry } from '../tickets/socket-sessions.registry';
import { TicketsService } from '../tickets/tickets.service';
import { CredentialVerifier, VerifiedIdentity } from './credential-verifier.service';
import { HandshakeAddress } from './handshake-address';
import { HandshakeRateLimiter } from './handshake-rate-limiter';
import { credentialFromRefresh } from './presented-credential';
import { AuthenticatedSocket, expiresAtIso, userRoom } from './socket-session';
import { WsAuthException } from './ws-auth.exception';
import { countsAsFailure, WsErrorCode } from './ws-error-code';

/** Server-side Socket.IO event carrying a revocation to the other instances. */
export const REVOKE_USER_EVENT = 'ticketgate:revoke-user';

/** Resume tickets live at most this long (CONTRACT §4). */
export const RESUME_TICKET_MAX_TTL_SECONDS = 120;
/** setTimeout holds at most 2^31-1 ms (~24.8 days); longer sessions re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export type Refusal = { ok: false; code: WsErrorCode };
export type RefreshReply = { ok: true; expiresAt: string | null } | Refusal;
export type ResumeTicketReply = { ticket: string; expiresAt: string } | Refusal;

const refusal = (code: WsErrorCode): Refusal => ({ ok: false, code });

/** How long shutdown waits for disconnected sockets to flush their last packets. */
const DRAIN_FLUSH_TIMEOUT_MS = 2_000;

/** Resolves when an engine.io connection has closed, or after `timeoutMs`. */
function untilClosed(connection: Socket['conn'], timeoutMs: number): Promise<void> {
  if (connection.readyState === 'closed') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    connection.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Live socket sessions on this instance: per-user rooms, expiry with the JWT behind the
 * session, refresh, resume tickets, and disconnecting a user everywhere (through the Redis
 * adapter when configured). Registers itself with `SocketSessionsRegistry` for the REST side.
 */
@Injectable()
export class SocketSessionsService implements SocketSessions, OnModuleDestroy {
  private readonly logger = new Logger(SocketSessionsService.name);
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  private server?: Server;
  private peers?: Namespace;

  constructor(
    private readonly registry: SocketSessionsRegistry,
    private readonly tickets: TicketsService,
    private readonly verifier: CredentialVerifier,
    private readonly limiter: HandshakeRateLimiter,
    private readonly addresses: HandshakeAddress,
    @Optional() private readonly shutdown?: ShutdownState,
  ) {}

  attach(server: Server): void {
    this.server = server;
    this.registry.register(this);
    this.shutdown?.onDrain(() => this.disconnectAllLocal());
  }

  /** Carries revocations to the other instances on `namespace`'s adapter (the Redis adapter). */
  relayRevocationsThrough(namespace: Namespace): void {
    this.peers = namespace;
    namespace.on(REVOKE_USER_EVENT, (userId: unknown, reason: unknown) => {
      // Sent by our own instances through Redis, still checked before it is acted on.
      if (typeof userId === 'string' && typeof reason === 'string') this.revokeLocal(userId, reason);
    });
  }

  /** A socket passed the handshake: join its user's room and arm its session's expiry. */
  open(socket: AuthenticatedSocket): void {
    const { user, session } = socket.data;
    void socket.join(userRoom(user.userId));
    this.armExpiry(socket);
    this.logger.log({ event: 'ws.connected', userId: user.userId, authMethod: user.authMethod, sessionId: session.id });
  }

  close(socket: AuthenticatedSocket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
  }

  /** `auth:refresh`: a ticket or token of the same user extends the session to that credential's expiry. */
  async refresh(socket: AuthenticatedSocket, payload: unknown): Promise<RefreshReply> {
    const credential = credentialFromRefresh(payload);
    if (!credential) return refusal('AUTH_REQUIRED');
    const { headers } = socket.handshake;
    const address = this.addresses.of(socket.handshake);
    if (this.limiter.isLimited(address)) return refusal('RATE_LIMITED');
    let identity: VerifiedIdentity;
    try {
      identity = await this.verifier.verify(credential, { via: 'handshake', address, userAgent: headers['user-agent'] });
    } catch (error) {
      if (!(error instanceof WsAuthException)) throw error;
      if (countsAsFailure(error.code)) await this.limiter.recordFailure(address);
      return refusal(error.code);
    }
    const { user, session } = socket.data;
    if (identity.userId !== user.userId) return refusal('FORBIDDEN');
    // Gone while the credential was checked: nothing left to extend.
    if (!socket.connected) return refusal('SESSION_EXPIRED');
    // The newer credential is the truth: permissions may have shrunk since the session began.
    socket.data.user = {
      userId: user.userId,
      ...(identity.email !== undefined ? { email: identity.email } : {}),
      permissions: identity.permissions,
      authMethod: user.authMethod,
    };
    session.expiresAt = identity.tokenExpiresAt === null ? null : identity.tokenExpiresAt * 1000;
    if (identity.publicKey) session.publicKey = identity.publicKey;
    this.armExpiry(socket);
    return { ok: true, expiresAt: expiresAtIso(session) };
  }

  /**
   * `auth:resume-ticket`: a single-use ticket continuing this session after a network drop,
   * living at most 120 s and never past the session's expiry; bound to the session's key when
   * the session was opened with a sender-constrained ticket.
   */
  async resumeTicket(socket: AuthenticatedSocket): Promise<ResumeTicketReply> {
    const { user, session } = socket.data;
    // A whole second of margin: the ticket's expiry is computed a moment later, from its own clock read.
    const secondsLeft = session.expiresAt === null ? Infinity : Math.floor((session.expiresAt - Date.now()) / 1000) - 1;
    if (secondsLeft < 1) return refusal('SESSION_EXPIRED');
    try {
      const issued = await this.tickets.issue(
        { userId: user.userId, email: user.email, permissions: user.permissions, tokenExpiresAt: session.expiresAt === null ? null : session.expiresAt / 1000 },
        { permissions: user.permissions, ...(session.publicKey ? { publicKey: session.publicKey } : {}) },
        { maxTtlSeconds: Math.min(RESUME_TICKET_MAX_TTL_SECONDS, secondsLeft), sessionId: session.id },
      );
      return { ticket: issued.ticket, expiresAt: issued.expiresAt };
    } catch (error) {
      if (!(error instanceof DomainException)) throw error;
      if (error.code === 'TOO_MANY_ACTIVE_TICKETS') return refusal('TOO_MANY_ACTIVE_TICKETS');
      if (error.code === 'STORE_UNAVAILABLE') return refusal('AUTH_UNAVAILABLE');
      throw error;
    }
  }

  connectedCount(): number {
    return this.server?.sockets.sockets.size ?? 0;
  }

  /**
   * Tells every socket of `userId`, on every instance, `session_revoked` with `reason`, then
   * disconnects them. Resolves to how many there were; when another instance does not answer
   * the count, it still receives the broadcast and only this instance's sockets are counted.
   */
  async disconnectUser(userId: string, reason: string): Promise<number> {
    if (!this.server) return 0;
    const room = this.server.in(userRoom(userId));
    let count: number;
    try {
      count = (await room.fetchSockets()).length;
    } catch (error) {
      this.logger.warn(`Could not count ${userId}'s sockets on every instance: ${error instanceof Error ? error.message : String(error)}`);
      count = (await room.local.fetchSockets()).length;
    }
    // Each instance tells its own sockets, then disconnects them. (A room broadcast and a
    // disconnect request travel on different Redis channels — on a Cluster, through different
    // nodes — and could arrive in either order: sockets gone before they learn why.)
    this.peers?.serverSideEmit(REVOKE_USER_EVENT, userId, reason);
    this.revokeLocal(userId, reason);
    this.logger.log({ event: 'ws.user_disconnected', userId, reason, sockets: count });
    return count;
  }

  private revokeLocal(userId: string, reason: string): void {
    const room = this.server?.local.in(userRoom(userId));
    room?.emit('session_revoked', { reason });
    room?.disconnectSockets(true);
  }

  onModuleDestroy(): void {
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  /**
   * Shutdown drain: this instance's sockets learn why, then go (clients reconnect elsewhere).
   * Resolves once their connections have flushed and closed, or after a bound: the server is
   * closed right after, and would drop what a long-polling client has not fetched yet.
   */
  private async disconnectAllLocal(): Promise<void> {
    if (!this.server) return;
    const connections = [...this.server.sockets.sockets.values()].map((socket) => socket.conn);
    this.server.local.emit(SERVER_SHUTDOWN_EVENT);
    this.server.local.disconnectSockets(true);
    await Promise.all(connections.map((connection) => untilClosed(connection, DRAIN_FLUSH_TIMEOUT_MS)));
  }

  private armExpiry(socket: AuthenticatedSocket): void {
    this.close(socket);
    const { expiresAt } = socket.data.session;
    if (expiresAt === null) return;
    const delay = expiresAt - Date.now();
    const timer = setTimeout(() => (delay > MAX_TIMER_MS ? this.armExpiry(socket) : this.expire(socket)), Math.min(Math.max(delay, 0), MAX_TIMER_MS));
    timer.unref();
    this.expiryTimers.set(socket.id, timer);
  }

  private expire(socket: AuthenticatedSocket): void {
    this.expiryTimers.delete(socket.id);
    socket.emit('session_expired', { expiresAt: expiresAtIso(socket.data.session) });
    socket.disconnect(true);
    this.logger.log({ event: 'ws.session_expired', userId: socket.data.user.userId, sessionId: socket.data.session.id });
  }
}

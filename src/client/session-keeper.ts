import type { Socket } from 'socket.io-client';
import type { ClientEvents } from './client-events';
import type { Credential, Credentials } from './credentials';
import { isTicket, maskTicket } from './mask-ticket';
import type { ServerClock } from './server-clock';
import { TicketgateError } from './ticketgate-error';

/** A resume ticket is rotated this long before it expires … */
export const RESUME_ROTATE_BEFORE_MS = 15_000;
/** … and only used for a handshake while it has at least this long left. */
export const RESUME_MIN_REMAINING_MS = 3_000;
/** After a failed `auth:resume-ticket`, ask again this much later. */
export const RESUME_RETRY_MS = 30_000;
/** Never try `auth:refresh` more often than this, however close the session is to its end. */
export const MIN_REFRESH_INTERVAL_MS = 5_000;

/** The part of a socket.io-client Socket the keeper uses. */
export type SessionSocket = Pick<Socket, 'connected' | 'timeout'>;

export interface SessionSettings {
  credentials: Credentials;
  events: ClientEvents;
  clock: ServerClock;
  /** `auth:refresh` this long before the session expires; false never refreshes. */
  refreshBeforeExpiryMs: number | false;
  resumeTickets: boolean;
  ackTimeoutMs: number;
}

interface HeldTicket {
  ticket: string;
  expiresAt: string;
}

type Refusal = { ok: false; code: string };

/**
 * Keeps one socket's session alive while it is connected (CONTRACT §4): holds a resume ticket,
 * rotated before it expires and replaced after each refresh, for the next reconnect; and sends
 * `auth:refresh` with a fresh ticket before the session expires. Timers run only while
 * connected; the held resume ticket outlives a disconnect, which is what it is for.
 */
export class SessionKeeper {
  private held?: HeldTicket;
  private resumeTimer?: ReturnType<typeof setTimeout>;
  private refreshTimer?: ReturnType<typeof setTimeout>;
  /** Bumped at each `auth:resume-ticket` request, so only the latest one's answer is kept and schedules the next. */
  private rotation = 0;
  /** Bumped whenever the connection changes, so answers meant for an older one are ignored. */
  private generation = 0;
  private ended = false;

  constructor(
    private readonly socket: SessionSocket,
    private readonly settings: SessionSettings,
  ) {}

  /** The socket connected: get a resume ticket and learn when the session expires. */
  start(): void {
    this.pause();
    this.ended = false;
    const generation = this.generation;
    if (this.settings.resumeTickets) void this.rotateResumeTicket(generation);
    if (this.settings.refreshBeforeExpiryMs !== false) void this.learnExpiry(generation);
  }

  /** The socket disconnected: stop the timers, keep the resume ticket. */
  pause(): void {
    this.generation++;
    clearTimeout(this.resumeTimer);
    clearTimeout(this.refreshTimer);
    this.resumeTimer = this.refreshTimer = undefined;
  }

  /** The session is over (revoked, expired): forget the resume ticket too. */
  end(): void {
    this.pause();
    this.ended = true;
    this.held = undefined;
  }

  /** Hands over the resume ticket, if one with enough life left is held; it is never handed out twice. */
  takeResumeTicket(): HeldTicket | undefined {
    const held = this.held;
    this.held = undefined;
    return held && this.settings.clock.until(held.expiresAt) >= RESUME_MIN_REMAINING_MS ? held : undefined;
  }

  /**
   * Asks for a new resume ticket, replacing the held one, and schedules the next rotation by the
   * new ticket's own `expiresAt`. A request still under way when this one starts loses: its answer
   * may predate a refresh, and two answers would start two rotation timers.
   */
  private async rotateResumeTicket(generation: number): Promise<void> {
    const rotation = ++this.rotation;
    clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
    const reply = await this.ask<HeldTicket | Refusal>('auth:resume-ticket');
    if (rotation !== this.rotation) return;
    const issued = reply && 'ticket' in reply && isTicket(reply.ticket) ? { ticket: reply.ticket, expiresAt: reply.expiresAt } : undefined;
    // Kept even when the socket dropped meanwhile (a resume ticket is for exactly that), unless the session ended.
    if (issued && !this.ended) {
      this.held = issued;
      this.settings.events.emit('resume_ticket', { ticket: maskTicket(issued.ticket), expiresAt: issued.expiresAt });
    }
    if (generation !== this.generation) return;
    if (issued) {
      const delay = rotationDelay(this.settings.clock.until(issued.expiresAt));
      if (delay !== undefined) this.resumeTimer = setTimeout(() => void this.rotateResumeTicket(generation), delay);
    } else if (!(reply && 'code' in reply && reply.code === 'SESSION_EXPIRED')) {
      this.resumeTimer = setTimeout(() => void this.rotateResumeTicket(generation), RESUME_RETRY_MS);
    }
  }

  private async learnExpiry(generation: number): Promise<void> {
    const reply = await this.ask<{ expiresAt?: unknown }>('whoami');
    if (generation !== this.generation || !reply || (typeof reply.expiresAt !== 'string' && reply.expiresAt !== null)) return;
    this.planRefresh(generation, reply.expiresAt, false);
  }

  /**
   * Schedules the next `auth:refresh`: `refreshBeforeExpiryMs` before `expiresAt`. When an
   * attempt did not push the expiry past that point (the app had no fresher JWT, or it failed),
   * retries at half the remaining time, never more often than every 5 s, and gives up when
   * even that no longer fits: the server then ends the session with `session_expired`.
   */
  private planRefresh(generation: number, expiresAt: string | null, afterAttempt: boolean): void {
    if (expiresAt === null || this.settings.refreshBeforeExpiryMs === false) return;
    const remaining = this.settings.clock.until(expiresAt);
    const due = remaining - this.settings.refreshBeforeExpiryMs;
    let delay: number;
    if (!afterAttempt) delay = Math.max(0, due);
    else if (due >= MIN_REFRESH_INTERVAL_MS) delay = due;
    else if (remaining / 2 >= MIN_REFRESH_INTERVAL_MS) delay = remaining / 2;
    else return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(generation, expiresAt), delay);
  }

  private async refresh(generation: number, expiresAt: string): Promise<void> {
    let credential: Credential;
    try {
      credential = await this.settings.credentials.fresh();
    } catch (error) {
      this.report(error instanceof TicketgateError ? error : new TicketgateError('REFRESH_FAILED', String(error), 'refresh', { cause: error }));
      if (generation === this.generation) this.planRefresh(generation, expiresAt, true);
      return;
    }
    // Disconnected meanwhile: the new ticket is dropped, never presented.
    if (generation !== this.generation) return;
    const reply = await this.ask<{ ok: true; expiresAt: string | null } | Refusal>('auth:refresh', credential.auth);
    if (generation !== this.generation) return;
    if (reply?.ok) {
      this.settings.events.emit('refreshed', { expiresAt: reply.expiresAt });
      this.planRefresh(generation, reply.expiresAt, true);
      // The held resume ticket expires no later than the old session did; one minted now may outlive it.
      if (this.settings.resumeTickets) void this.rotateResumeTicket(generation);
      return;
    }
    const code = reply ? (reply as Refusal).code : 'ACK_TIMEOUT';
    this.report(new TicketgateError(code, `auth:refresh was refused: ${code}`, 'refresh'));
    this.planRefresh(generation, expiresAt, true);
  }

  /** Emits with an acknowledgement while connected; undefined when not connected, on timeout or disconnect. */
  private async ask<T>(event: string, ...args: unknown[]): Promise<T | undefined> {
    if (!this.socket.connected) return undefined;
    try {
      return (await this.socket.timeout(this.settings.ackTimeoutMs).emitWithAck(event, ...args)) as T;
    } catch {
      return undefined;
    }
  }

  private report(error: TicketgateError): void {
    this.settings.events.emit(error.isAuthError ? 'auth_error' : 'error', error);
  }
}

/** When to replace a resume ticket with `lifetimeMs` left: well before it expires; undefined when too short-lived to bother. */
function rotationDelay(lifetimeMs: number): number | undefined {
  if (lifetimeMs > 2 * RESUME_ROTATE_BEFORE_MS) return lifetimeMs - RESUME_ROTATE_BEFORE_MS;
  return lifetimeMs / 2 >= 2_000 ? lifetimeMs / 2 : undefined;
}

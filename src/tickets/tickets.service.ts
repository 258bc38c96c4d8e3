import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createPublicKey, JsonWebKey } from 'node:crypto';
import { ticketsConfig } from '../config';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { AUDIT_CONTEXT, AuditContext, AuditEntry } from '../logging/audit';
import { missingPermissions } from '../auth/permissions.decorator';
import {
  ForbiddenException,
  RateLimitedException,
  TicketNotFoundException,
  TooManyActiveTicketsException,
  ValidationFailedException,
} from '../common/errors';
import type { CreateTicketDto } from './dto/create-ticket.dto';
import type { IssuedTicketDto } from './dto/ticket-responses.dto';
import { hashTicket, isWellFormedTicket, mintTicket, ticketRef } from './ticket-codec';
import { TicketCounters } from './ticket-counters';
import { RejectReason, TICKET_STORE, TicketRecord, TicketStore } from './ticket-store.interface';

/** Extra facts about who presents a ticket, for operators' logs. */
export interface PresentationContext extends AuditContext {
  address?: string;
  userAgent?: string;
  /** Where the ticket was presented: `validate` (REST) or `handshake` (socket). */
  via: 'validate' | 'handshake';
}

/** A last check of a ticket the store accepted; returns why to refuse it, or nothing. */
export type TicketVetting = (record: TicketRecord) => RejectReason | undefined;

export type RedeemOutcome =
  | { accepted: true; record: TicketRecord; ticketHash: string }
  | { accepted: false; reason: RejectReason | 'malformed' };

/** Options of `issue` beyond the request body, used by the socket layer for resume tickets. */
export interface IssueOptions extends AuditContext {
  /** Caps the lifetime below the configured default (resume tickets). */
  maxTtlSeconds?: number;
  sessionId?: string;
}

/**
 * Ticket lifecycle: issue, redeem (consume), revoke. Tickets are handled by their SHA-256 only;
 * the ticket string exists in memory just long enough to be returned to its owner or hashed.
 */
@Injectable()
export class TicketsService {
  private readonly logger = new Logger(AUDIT_CONTEXT);

  constructor(
    @Inject(TICKET_STORE) private readonly store: TicketStore,
    @Inject(ticketsConfig.KEY) private readonly config: ConfigType<typeof ticketsConfig>,
    private readonly counters: TicketCounters,
  ) {}

  async issue(user: AuthenticatedUser, request: CreateTicketDto, options: IssueOptions = {}): Promise<IssuedTicketDto> {
    const ttlSeconds = this.ttlFor(request.ttlSeconds, options.maxTtlSeconds);
    const permissions = request.permissions ? [...new Set(request.permissions)] : user.permissions;
    const missing = missingPermissions(permissions, user.permissions);
    if (missing.length > 0) {
      throw new ForbiddenException(`Cannot grant permissions you do not hold: ${missing.join(', ')}`);
    }
    if (request.publicKey) assertUsablePublicKey(request.publicKey);

    const ticket = mintTicket();
    const ticketHash = hashTicket(ticket);
    const issuedAt = Date.now();
    const record: TicketRecord = {
      userId: user.userId,
      ...(user.email !== undefined ? { email: user.email } : {}),
      permissions,
      ...(request.metadata !== undefined ? { metadata: request.metadata } : {}),
      issuedAt,
      expiresAt: issuedAt + ttlSeconds * 1000,
      tokenExpiresAt: user.tokenExpiresAt,
      ...(request.publicKey ? { publicKey: pickPublicJwk(request.publicKey) } : {}),
      ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    };
    const { maxActivePerUser, rateLimitPerMinute } = this.config;
    const outcome = await this.store.issue(ticketHash, record, maxActivePerUser, rateLimitPerMinute);
    if (!outcome.issued && outcome.reason === 'rate_limited') {
      throw new RateLimitedException(`At most ${rateLimitPerMinute} tickets may be generated per minute`, outcome.retryAfterSeconds);
    }
    if (!outcome.issued) throw new TooManyActiveTicketsException(maxActivePerUser, outcome.retryAfterSeconds);
    this.counters.recordIssued();
    this.audit(options, { level: 'info', fields: { event: 'ticket.issued', userId: user.userId, ticketRef: ticketRef(ticketHash), ttlSeconds, bound: Boolean(record.publicKey) } });
    return {
      ticket,
      expiresAt: new Date(record.expiresAt).toISOString(),
      ttlSeconds,
      userId: user.userId,
      permissions,
    };
  }

  /**
   * Consumes a ticket: accepted at most once, whatever the concurrency. A malformed string is
   * refused before any store lookup. `vet` may still refuse a ticket the store gave up (a missing
   * proof of possession, say): it stays consumed, and counts as refused, not as consumed.
   */
  async redeem(ticket: unknown, context: PresentationContext, vet?: TicketVetting): Promise<RedeemOutcome> {
    if (!isWellFormedTicket(ticket)) return this.refuse('malformed', undefined, context);
    const ticketHash = hashTicket(ticket);
    const outcome = await this.store.consume(ticketHash);
    if (!outcome.accepted) return this.refuse(outcome.reason, ticketHash, context, outcome.userId);
    const objection = vet?.(outcome.record);
    if (objection) return this.refuse(objection, ticketHash, context, outcome.record.userId);
    this.counters.recordConsumed();
    this.audit(context, { level: 'info', fields: { event: 'ticket.consumed', userId: outcome.record.userId, ticketRef: ticketRef(ticketHash), via: context.via } });
    return { accepted: true, record: outcome.record, ticketHash };
  }

  /** Revokes one ticket of `caller` (or anyone's, for admins); 404 tells nothing about why. */
  async revoke(ticket: string, caller: AuthenticatedUser, isAdmin: boolean, context: AuditContext = {}): Promise<void> {
    if (!isWellFormedTicket(ticket)) throw new TicketNotFoundException();
    const ticketHash = hashTicket(ticket);
    const revoked = await this.store.revoke(ticketHash, isAdmin ? null : caller.userId);
    if (!revoked) throw new TicketNotFoundException();
    this.counters.recordRevoked(1);
    this.audit(context, { level: 'info', fields: { event: 'ticket.revoked', by: caller.userId, ticketRef: ticketRef(ticketHash) } });
  }

  async revokeAllForUser(userId: string, by: string, context: AuditContext = {}): Promise<number> {
    const revoked = await this.store.revokeAllForUser(userId);
    this.counters.recordRevoked(revoked);
    this.audit(context, { level: 'info', fields: { event: 'tickets.revoked_all', userId, by, revoked } });
    return revoked;
  }

  private ttlFor(requested: number | undefined, cap: number | undefined): number {
    const { minTtlSeconds: min, maxTtlSeconds: max, defaultTtlSeconds } = this.config;
    if (requested !== undefined && (requested < min || requested > max)) {
      throw new ValidationFailedException([`ttlSeconds must be between ${min} and ${max}`]);
    }
    const ttl = requested ?? defaultTtlSeconds;
    return cap !== undefined ? Math.max(1, Math.min(ttl, cap)) : ttl;
  }

  private refuse(
    reason: RejectReason | 'malformed',
    ticketHash: string | undefined,
    context: PresentationContext,
    userId?: string,
  ): RedeemOutcome {
    this.counters.recordRejected(reason);
    const fields = {
      event: 'ticket.refused',
      reason,
      via: context.via,
      ...(ticketHash ? { ticketRef: ticketRef(ticketHash) } : {}),
      ...(userId ? { userId } : {}),
    };
    if (reason === 'replayed') {
      this.audit(context, {
        level: 'warn',
        fields: { ...fields, address: context.address, userAgent: context.userAgent?.slice(0, 256) },
        message: 'Replay of a consumed ticket',
      });
    } else {
      this.audit(context, { level: 'info', fields });
    }
    return { accepted: false, reason };
  }

  /**
   * Writes an audit event: on the access line of the HTTP request behind it when there is one
   * (see `requestAudit`), else on a line of its own, with that request's id when known.
   */
  private audit(context: AuditContext, entry: AuditEntry): void {
    if (context.annotate?.(entry)) return;
    const line = context.requestId ? { ...entry.fields, req: { id: context.requestId } } : entry.fields;
    const method = entry.level === 'warn' ? 'warn' : 'log';
    if (entry.message) this.logger[method](line, entry.message);
    else this.logger[method](line);
  }
}

function pickPublicJwk(jwk: JsonWebKey): JsonWebKey {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

function assertUsablePublicKey(jwk: JsonWebKey): void {
  try {
    createPublicKey({ key: pickPublicJwk(jwk), format: 'jwk' });
  } catch {
    throw new ValidationFailedException(['publicKey is not a point on the P-256 curve']);
  }
}

import { Injectable } from '@nestjs/common';
import type { JsonWebKey } from 'node:crypto';
import { JwtVerifier, toRejection } from '../auth/jwt-verifier.service';
import { StoreUnavailableException } from '../common/errors';
import type { RejectReason, TicketRecord } from '../tickets/ticket-store.interface';
import { PresentationContext, RedeemOutcome, TicketsService } from '../tickets/tickets.service';
import { isValidHandshakeProof } from './handshake-proof';
import type { PresentedCredential } from './presented-credential';
import { WsAuthException } from './ws-auth.exception';

/** Who a verified credential speaks for, and what bounds the session it opens. */
export interface VerifiedIdentity {
  userId: string;
  email?: string;
  permissions: string[];
  /** `exp` of the JWT behind the credential (used directly or minting the ticket), epoch seconds; null without one. */
  tokenExpiresAt: number | null;
  /** Set by resume tickets: the session they continue. */
  sessionId?: string;
  /** Set by sender-constrained tickets (CONTRACT §6). */
  publicKey?: JsonWebKey;
}

type TicketCredential = Extract<PresentedCredential, { kind: 'ticket' }>;

/**
 * Verifies one presented credential, for the handshake and for `auth:refresh` alike. Tickets
 * are consumed through `TicketsService` (the same atomic store operation as REST); JWTs go
 * through `JwtVerifier` (the same rules as HTTP). Failures are `WsAuthException`s with the
 * code a client is shown.
 */
@Injectable()
export class CredentialVerifier {
  constructor(
    private readonly tickets: TicketsService,
    private readonly jwt: JwtVerifier,
  ) {}

  verify(credential: PresentedCredential, context: PresentationContext): Promise<VerifiedIdentity> {
    return credential.kind === 'ticket' ? this.verifyTicket(credential, context) : this.verifyToken(credential.token);
  }

  private async verifyTicket({ ticket, ts, proof }: TicketCredential, context: PresentationContext): Promise<VerifiedIdentity> {
    // Once the store gave the ticket up it is consumed: a bad proof or a dead session burns it (CONTRACT §6).
    const vet = (record: TicketRecord): RejectReason | undefined => {
      if (record.publicKey && !isValidHandshakeProof(record.publicKey, ticket as string, ts, proof)) return 'unbound_proof';
      if (record.tokenExpiresAt !== null && record.tokenExpiresAt * 1000 <= Date.now()) return 'unknown_or_expired';
      return undefined;
    };
    let outcome: RedeemOutcome;
    try {
      outcome = await this.tickets.redeem(ticket, context, vet);
    } catch (error) {
      if (error instanceof StoreUnavailableException) throw new WsAuthException('AUTH_UNAVAILABLE', undefined, { cause: error });
      throw error;
    }
    if (!outcome.accepted) throw new WsAuthException('TICKET_INVALID');
    const { record } = outcome;
    return {
      userId: record.userId,
      ...(record.email !== undefined ? { email: record.email } : {}),
      permissions: record.permissions,
      tokenExpiresAt: record.tokenExpiresAt,
      ...(record.sessionId ? { sessionId: record.sessionId } : {}),
      ...(record.publicKey ? { publicKey: record.publicKey } : {}),
    };
  }

  private async verifyToken(token: string | undefined): Promise<VerifiedIdentity> {
    if (token === undefined) throw new WsAuthException('TOKEN_INVALID');
    try {
      return await this.jwt.verify(token);
    } catch (error) {
      throw new WsAuthException(toRejection(error).kind === 'expired' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID');
    }
  }
}

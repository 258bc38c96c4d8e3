import { maskTicket } from './mask-ticket';
import { readToken } from './read-token';
import type { ProofKey } from './proof-key';
import type { ServerClock } from './server-clock';
import type { IssuedTicket, TicketEndpoint, TicketRequest } from './ticket-endpoint';
import type { TicketgateClientEvents } from './client-events';
import { TicketgateError } from './ticketgate-error';

/** What a handshake (`auth`) or an `auth:refresh` carries: a ticket, with its proof when bound, or a JWT. */
export type HandshakeAuth = { ticket: string; ts?: number; proof?: string } | { token: string };

/** A credential for one connection attempt, and what to tell the app about it. */
export interface Credential {
  auth: HandshakeAuth;
  event: TicketgateClientEvents['credential'];
}

export interface CredentialSettings {
  endpoint: TicketEndpoint;
  clock: ServerClock;
  /** Resolves to the page's proof key when tickets are sender-constrained, else to undefined. */
  proofKey: () => Promise<ProofKey | undefined>;
  getToken: () => string | Promise<string>;
  allowJwtFallback: boolean;
  ticketRequest: TicketRequest;
}

/**
 * Makes the credentials connection attempts and refreshes present: a fresh ticket from the
 * REST endpoint (bound to the page's key when sender-constrained), the handshake proof for it,
 * and, only when allowed and the endpoint is unavailable, the JWT itself.
 */
export class Credentials {
  constructor(private readonly settings: CredentialSettings) {}

  /** Generate, with this client's ticket fields and the proof key's public JWK unless `bind` is false. */
  async issue(request: TicketRequest = {}, bind = true): Promise<IssuedTicket> {
    const key = bind ? await this.settings.proofKey() : undefined;
    return this.settings.endpoint.issue({ ...this.settings.ticketRequest, ...request }, key?.publicJwk);
  }

  /** `{ ticket, ts, proof }` signed with the page's key, or `{ ticket }` without one. The server ignores a proof it does not need. */
  async ticketAuth(ticket: string): Promise<{ ticket: string; ts?: number; proof?: string }> {
    const key = await this.settings.proofKey();
    if (!key) return { ticket };
    const ts = this.settings.clock.now();
    return { ticket, ts, proof: await key.sign(ticket, ts) };
  }

  /** A credential from the REST endpoint, or the JWT when the endpoint is unavailable and fallback is allowed. */
  async fresh(): Promise<Credential> {
    try {
      const issued = await this.issue();
      const auth = await this.ticketAuth(issued.ticket);
      return { auth, event: { source: 'rest', ticket: maskTicket(issued.ticket), expiresAt: issued.expiresAt, bound: 'proof' in auth } };
    } catch (error) {
      if (!(error instanceof TicketgateError) || !error.isUnavailable || !this.settings.allowJwtFallback) throw error;
      return { auth: { token: await readToken(this.settings.getToken) }, event: { source: 'jwt-fallback', bound: false } };
    }
  }

  /** A held resume ticket as a credential. */
  async resumed(ticket: string, expiresAt: string): Promise<Credential> {
    const auth = await this.ticketAuth(ticket);
    return { auth, event: { source: 'resume', ticket: maskTicket(ticket), expiresAt, bound: 'proof' in auth } };
  }
}

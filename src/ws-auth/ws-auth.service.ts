import { Injectable, Logger, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig, WsAuthMethod } from '../config';
import { ShutdownState } from '../lifecycle/shutdown-state';
import { MetricsService, NO_CREDENTIAL_METHOD } from '../metrics/metrics.service';
import type { PresentationContext } from '../tickets/tickets.service';
import { CredentialVerifier, VerifiedIdentity } from './credential-verifier.service';
import { HandshakeAddress } from './handshake-address';
import { HandshakeRateLimiter } from './handshake-rate-limiter';
import { credentialFor, HandshakeFields } from './presented-credential';
import { WsAuthException } from './ws-auth.exception';
import { countsAsFailure } from './ws-error-code';

/** The handshake as the chain reads it: Socket.IO's `socket.handshake`. */
export interface Handshake extends HandshakeFields {
  address: string;
}

export interface HandshakeIdentity {
  method: WsAuthMethod;
  identity: VerifiedIdentity;
}

/** Where each method looks, for the `AUTH_REQUIRED` message. */
const CREDENTIAL_PLACES: Record<WsAuthMethod, string> = {
  ticket: 'auth.ticket',
  jwt: 'auth.token',
  header: 'an Authorization: Bearer header',
  subprotocol: 'a bearer.<JWT> subprotocol',
  query: 'the token query parameter',
};

type ChainOutcome = { accepted: HandshakeIdentity } | { refusal: WsAuthException; method?: WsAuthMethod };

/**
 * The handshake authentication chain of CONTRACT §4: the address's failure budget, the
 * `Origin` allow-list, then each method of `WS_AUTH_METHODS` in order until a credential
 * verifies. Methods that are not enabled are never looked at. When none verifies, the code of
 * the first credential present is reported (`AUTH_REQUIRED` when there was none).
 */
@Injectable()
export class WsAuthService {
  private readonly logger = new Logger(WsAuthService.name);
  private readonly methods: WsAuthMethod[];
  private readonly allowedOrigins: ReadonlySet<string>;
  private readonly authRequired: string;

  constructor(
    config: ConfigService<AllConfig, true>,
    private readonly verifier: CredentialVerifier,
    private readonly limiter: HandshakeRateLimiter,
    private readonly addresses: HandshakeAddress,
    @Optional() private readonly metrics?: MetricsService,
    @Optional() private readonly shutdown?: ShutdownState,
  ) {
    const ws = config.get('ws', { infer: true });
    this.methods = ws.authMethods;
    this.allowedOrigins = new Set(ws.allowedOrigins);
    this.authRequired = `No credential: send ${this.methods.map((method) => CREDENTIAL_PLACES[method]).join(', or ')}`;
  }

  /** Authenticates a handshake, or throws the `WsAuthException` to refuse it with. */
  async authenticate(handshake: Handshake): Promise<HandshakeIdentity> {
    const address = this.addresses.of(handshake);
    const outcome = await this.outcomeOf(handshake, address);
    if ('accepted' in outcome) {
      this.metrics?.recordWsAuth(outcome.accepted.method, 'ok');
      return outcome.accepted;
    }
    // Every refusal is counted, those that never looked at a credential as `none`.
    this.metrics?.recordWsAuth(outcome.method ?? NO_CREDENTIAL_METHOD, 'refused');
    if (countsAsFailure(outcome.refusal.code)) await this.limiter.recordFailure(address);
    throw this.refused(outcome.refusal, address);
  }

  private async outcomeOf(handshake: Handshake, address: string): Promise<ChainOutcome> {
    // A draining instance sends clients elsewhere; retrying lands them on another instance.
    if (this.shutdown?.isShuttingDown) return { refusal: new WsAuthException('AUTH_UNAVAILABLE', 'This instance is shutting down; reconnect') };
    if (this.limiter.isLimited(address)) return { refusal: new WsAuthException('RATE_LIMITED') };
    if (!this.isAllowedOrigin(handshake.headers.origin)) return { refusal: new WsAuthException('FORBIDDEN_ORIGIN') };
    return this.runChain(handshake, { via: 'handshake', address, userAgent: handshake.headers['user-agent'] });
  }

  private isAllowedOrigin(origin: string | undefined): boolean {
    // Non-browser clients send no Origin and are allowed (CONTRACT §4).
    return this.allowedOrigins.size === 0 || origin === undefined || this.allowedOrigins.has(origin.toLowerCase());
  }

  private async runChain(handshake: Handshake, context: PresentationContext): Promise<ChainOutcome> {
    let first: { refusal: WsAuthException; method: WsAuthMethod } | undefined;
    for (const method of this.methods) {
      const credential = credentialFor(method, handshake);
      if (!credential) continue;
      try {
        return { accepted: { method, identity: await this.verifier.verify(credential, context) } };
      } catch (error) {
        first ??= { refusal: this.asRefusal(error, method), method };
      }
    }
    return first ?? { refusal: new WsAuthException('AUTH_REQUIRED', this.authRequired) };
  }

  /** An unexpected failure of one method must not stop the others, nor leak to the client. */
  private asRefusal(error: unknown, method: WsAuthMethod): WsAuthException {
    if (error instanceof WsAuthException) return error;
    this.logger.error({ err: error, method }, 'Socket authentication method failed unexpectedly');
    return new WsAuthException('AUTH_UNAVAILABLE', undefined, { cause: error });
  }

  private refused(refusal: WsAuthException, address: string): WsAuthException {
    this.logger.debug({ event: 'ws.handshake_refused', code: refusal.code, address });
    return refusal;
  }
}

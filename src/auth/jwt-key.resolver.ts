import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import type { Algorithm } from 'jsonwebtoken';
import { JwksClient, JwksRateLimitError } from 'jwks-rsa';
import { jwtConfig } from '../config';

export const HMAC_ALGORITHMS: Algorithm[] = ['HS256', 'HS384', 'HS512'];
export const ASYMMETRIC_ALGORITHMS: Algorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

/** Raised when no configured key can verify a token; the message is safe to show a client. */
export class KeyResolutionError extends Error {}

/** A key fetched from the JWKS, and when the JWKS must next be asked about its `kid`. */
interface JwksEntry {
  key: KeyObject;
  refreshAt: number;
}

/** While the JWKS endpoint does not answer, a known key is retried no more often than this. */
const JWKS_RETRY_MS = 10_000;

/**
 * Key material for JWT verification, built once at start-up as KeyObjects: handing
 * `jsonwebtoken` a string secret makes it try `createPublicKey` on every call (~400 µs).
 * The algorithm in a token's header chooses the key kind, and each kind only accepts its own
 * algorithms, so an HS256 token can never be checked against a public key (no alg confusion);
 * `none` is never accepted. JWKS keys are fetched by `kid` and used for `JWKS_CACHE_MAX_AGE_SECONDS`;
 * then the JWKS is asked again, and a `kid` it no longer lists is refused. While the endpoint
 * does not answer, the keys fetched before stay in use.
 */
@Injectable()
export class JwtKeyResolver implements OnModuleInit {
  private readonly logger = new Logger(JwtKeyResolver.name);
  private readonly secretKey?: KeyObject;
  private readonly publicKey?: KeyObject;
  /** Looks up kids never seen: each costs a fetch, so a flood of made-up kids is rate limited. */
  private readonly jwks?: JwksClient;
  /**
   * Re-fetches kids already trusted, outside that rate limit, so a flood of made-up kids can
   * neither refuse known keys nor keep a removed one alive. At most one fetch per kid per
   * max age (or per `JWKS_RETRY_MS` while the endpoint is down).
   */
  private readonly jwksRefresh?: JwksClient;
  private readonly jwksKeys = new Map<string, JwksEntry>();
  /** Lookups under way, so concurrent requests for one kid share a fetch. */
  private readonly jwksLookups = new Map<string, Promise<KeyObject>>();
  private jwksUnavailable = false;

  constructor(@Inject(jwtConfig.KEY) private readonly config: ConfigType<typeof jwtConfig>) {
    if (config.secret) this.secretKey = createSecretKey(Buffer.from(config.secret, 'utf8'));
    // jwtConfig has checked that this is a public key.
    if (config.publicKey) this.publicKey = createPublicKey(config.publicKey);
    if (config.jwksUri) {
      // Our own map caches (jwks-rsa's cache answers hits through setImmediate, and its stale
      // fallback does not cover its rate limit), so the clients do not.
      const options = { jwksUri: config.jwksUri, cache: false, timeout: 3_000 };
      this.jwks = new JwksClient({ ...options, rateLimit: true, jwksRequestsPerMinute: 10 });
      this.jwksRefresh = new JwksClient(options);
    }
  }

  onModuleInit(): void {
    if (this.config.usingDevelopmentSecret) {
      this.logger.warn('No JWT key configured: using the built-in development secret. Never do this in production.');
    }
  }

  /** Every algorithm some configured key can verify. */
  get algorithms(): Algorithm[] {
    return [
      ...(this.secretKey ? HMAC_ALGORITHMS : []),
      ...(this.publicKey || this.jwks ? ASYMMETRIC_ALGORITHMS : []),
    ];
  }

  /** True when tokens can be signed locally (a shared secret is configured). */
  get canSign(): boolean {
    return this.secretKey !== undefined;
  }

  get signingKey(): KeyObject | undefined {
    return this.secretKey;
  }

  /**
   * The only key there is, when just a shared secret is configured: then no header needs
   * decoding to choose, and `algorithms` (HMAC only) still refuses any other `alg`.
   */
  get soleKey(): KeyObject | undefined {
    return this.publicKey || this.jwks ? undefined : this.secretKey;
  }

  /** The key that must verify a token with this header. */
  async resolve(header: { alg?: unknown; kid?: unknown }): Promise<KeyObject> {
    const alg = typeof header.alg === 'string' ? (header.alg as Algorithm) : undefined;
    if (alg && HMAC_ALGORITHMS.includes(alg)) {
      if (this.secretKey) return this.secretKey;
      throw new KeyResolutionError(`algorithm ${alg} is not accepted`);
    }
    if (!alg || !ASYMMETRIC_ALGORITHMS.includes(alg)) throw new KeyResolutionError(`algorithm ${String(header.alg)} is not accepted`);
    if (this.jwks && typeof header.kid === 'string' && header.kid.length <= 256) return this.jwksKey(header.kid);
    if (this.publicKey) return this.publicKey;
    throw new KeyResolutionError(this.jwks ? 'token has no key id (kid)' : `algorithm ${alg} is not accepted`);
  }

  private async jwksKey(kid: string): Promise<KeyObject> {
    const known = this.jwksKeys.get(kid);
    if (known && Date.now() < known.refreshAt) return known.key;
    let lookup = this.jwksLookups.get(kid);
    if (!lookup) {
      lookup = this.fetchJwksKey(kid, known).finally(() => this.jwksLookups.delete(kid));
      this.jwksLookups.set(kid, lookup);
    }
    return lookup;
  }

  private async fetchJwksKey(kid: string, known: JwksEntry | undefined): Promise<KeyObject> {
    let pem: string;
    try {
      pem = (await (known ? this.jwksRefresh! : this.jwks!).getSigningKey(kid)).getPublicKey();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if ((error as { isEndpointUnavailable?: boolean }).isEndpointUnavailable) {
        // Network error, timeout, non-2xx or not JSON: the IdP has not said the key is gone.
        this.endpointUnavailable(reason);
        if (known) {
          known.refreshAt = Date.now() + Math.min(JWKS_RETRY_MS, this.config.jwksCacheMaxAgeMs);
          return known.key;
        }
      } else {
        // The JWKS answered without this kid (or it is an unknown kid beyond the rate limit).
        if (!(error instanceof JwksRateLimitError)) this.endpointAnswered();
        this.jwksKeys.delete(kid);
        this.logger.warn(`JWKS lookup for a key id failed: ${reason}`);
      }
      // Fail closed: a kid the JWKS does not vouch for means the token cannot be trusted.
      throw new KeyResolutionError('signing key not found');
    }
    this.endpointAnswered();
    const key = createPublicKey(pem);
    if (this.jwksKeys.size >= 64 && !known) this.jwksKeys.clear();
    this.jwksKeys.set(kid, { key, refreshAt: Date.now() + this.config.jwksCacheMaxAgeMs });
    return key;
  }

  /** Logs once per outage, not once per request. */
  private endpointUnavailable(reason: string): void {
    if (this.jwksUnavailable) return;
    this.jwksUnavailable = true;
    this.logger.warn(`JWKS endpoint unavailable (${reason}): keys fetched before stay in use, other key ids are refused until it answers`);
  }

  private endpointAnswered(): void {
    if (!this.jwksUnavailable) return;
    this.jwksUnavailable = false;
    this.logger.log('JWKS endpoint answers again');
  }
}

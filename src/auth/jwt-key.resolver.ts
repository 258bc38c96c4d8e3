import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import type { Algorithm } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import { jwtConfig } from '../config';

export const HMAC_ALGORITHMS: Algorithm[] = ['HS256', 'HS384', 'HS512'];
export const ASYMMETRIC_ALGORITHMS: Algorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

/** Raised when no configured key can verify a token; the message is safe to show a client. */
export class KeyResolutionError extends Error {}

/**
 * Key material for JWT verification, built once at start-up as KeyObjects: handing
 * `jsonwebtoken` a string secret makes it try `createPublicKey` on every call (~400 µs).
 * The algorithm in a token's header chooses the key kind, and each kind only accepts its own
 * algorithms, so an HS256 token can never be checked against a public key (no alg confusion);
 * `none` is never accepted. JWKS keys are fetched by `kid` and cached.
 */
@Injectable()
export class JwtKeyResolver implements OnModuleInit {
  private readonly logger = new Logger(JwtKeyResolver.name);
  private readonly secretKey?: KeyObject;
  private readonly publicKey?: KeyObject;
  private readonly jwks?: JwksClient;
  private readonly jwksKeys = new Map<string, KeyObject>();

  constructor(@Inject(jwtConfig.KEY) private readonly config: ConfigType<typeof jwtConfig>) {
    if (config.secret) this.secretKey = createSecretKey(Buffer.from(config.secret, 'utf8'));
    // jwtConfig has checked that this is a public key.
    if (config.publicKey) this.publicKey = createPublicKey(config.publicKey);
    if (config.jwksUri) {
      this.jwks = new JwksClient({
        jwksUri: config.jwksUri,
        cache: true,
        cacheMaxEntries: 16,
        cacheMaxAge: 10 * 60_000,
        rateLimit: true,
        jwksRequestsPerMinute: 10,
        timeout: 3_000,
      });
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
    const cached = this.jwksKeys.get(kid);
    if (cached) return cached;
    let pem: string;
    try {
      pem = (await this.jwks!.getSigningKey(kid)).getPublicKey();
    } catch (error) {
      // Fail closed: an unreachable JWKS endpoint or unknown kid means the token cannot be trusted.
      this.logger.warn(`JWKS lookup for a key id failed: ${error instanceof Error ? error.message : String(error)}`);
      throw new KeyResolutionError('signing key not found');
    }
    const key = createPublicKey(pem);
    if (this.jwksKeys.size >= 64) this.jwksKeys.clear();
    this.jwksKeys.set(kid, key);
    return key;
  }
}

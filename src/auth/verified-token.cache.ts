import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { Counter, Metric } from 'prom-client';
import { jwtConfig } from '../config';
import type { AuthenticatedUser } from './authenticated-user';

/** The longest a verified token is trusted again without verifying its signature anew. */
export const VERIFIED_TOKEN_MAX_AGE_MS = 60_000;

/**
 * The users of recently verified JWTs, so that a caller presenting the same token again (a
 * backend service validating tickets with its service token, a client reconnecting) skips
 * signature verification and passport. Only tokens that verified are remembered, keyed by the
 * SHA-256 of the token (the token itself is never kept), for at most
 * `VERIFIED_TOKEN_MAX_AGE_MS` and never past the token's `exp`. The rest of what makes a
 * token valid is fixed for the life of the process: the keys, issuer and audience (a JWKS key
 * is re-checked by `JwtKeyResolver` after `JWKS_CACHE_MAX_AGE_SECONDS`; a token verified by a
 * key removed since is accepted here for at most that minute).
 * Users handed out are frozen: requests share them.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly users: LRUCache<string, AuthenticatedUser> | undefined;
  private hitCount = 0;
  private missCount = 0;

  constructor(@Inject(jwtConfig.KEY) config: ConfigType<typeof jwtConfig>) {
    const size = config.verifyCacheSize;
    // Ages on the wall clock, which `exp` is measured against; no timers, no per-entry objects.
    this.users = size > 0 ? new LRUCache({ max: size, ttl: VERIFIED_TOKEN_MAX_AGE_MS, ttlResolution: 0, perf: Date }) : undefined;
  }

  /** The user of `token` if it verified within the last minute and has not expired since. */
  get(token: string): AuthenticatedUser | undefined {
    if (!this.users) return undefined;
    const key = keyOf(token);
    const user = this.users.get(key);
    if (user && !expired(user)) {
      this.hitCount += 1;
      return user;
    }
    if (user) this.users.delete(key);
    this.missCount += 1;
    return undefined;
  }

  /**
   * Remembers the user of a token that has just verified, and freezes it: requests share it.
   * Returns it for chaining.
   */
  remember(token: string, user: AuthenticatedUser): AuthenticatedUser {
    if (!this.users) return user;
    const untilExpiry = user.tokenExpiresAt === null ? Infinity : user.tokenExpiresAt * 1000 - Date.now();
    Object.freeze(user.permissions);
    Object.freeze(user);
    if (untilExpiry > 0) this.users.set(keyOf(token), user, { ttl: Math.min(VERIFIED_TOKEN_MAX_AGE_MS, untilExpiry) });
    return user;
  }

  /** `ticketgate_jwt_cache_lookups_total{result}`, read at scrape time, for the metrics registry. */
  prometheusMetrics(): Metric[] {
    const counts = () => ({ hit: this.hitCount, miss: this.missCount });
    return [
      new Counter({
        name: 'ticketgate_jwt_cache_lookups_total',
        help: 'Lookups of presented JWTs among recently verified ones, by result (hit: verification skipped; miss: verified anew)',
        labelNames: ['result'] as const,
        registers: [],
        collect() {
          this.reset();
          for (const [result, count] of Object.entries(counts())) this.inc({ result }, count);
        },
      }),
    ];
  }
}

const keyOf = (token: string) => hash('sha256', token, 'base64');

/** As jsonwebtoken decides: expired from the millisecond the second `exp` names begins. */
const expired = (user: AuthenticatedUser) => user.tokenExpiresAt !== null && Date.now() >= user.tokenExpiresAt * 1000;

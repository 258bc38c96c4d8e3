import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Namespace } from 'socket.io';
import type { AllConfig } from '../config';
import { REDIS_CLIENT, RedisClient } from '../redis/redis.constants';
import { FAILED_ATTEMPTS_WINDOW_MS, FailedAttemptsStore, FailureWindow, MemoryFailedAttempts, RedisFailedAttempts } from './failed-attempts.store';

/** Server-side Socket.IO event telling the other instances that an address is blocked. */
export const ADDRESS_BLOCKED_EVENT = 'ticketgate:address-blocked';

/** Blocked addresses kept at most; beyond that the expired ones go, then all (fail open). */
const MAX_BLOCKED_ADDRESSES = 100_000;
const MAX_ADDRESS_LENGTH = 256;

/**
 * Limits refused socket authentications per client address (`WS_FAILED_HANDSHAKES_PER_MINUTE`),
 * so neither tickets nor JWTs can be guessed through the socket.
 *
 * Only failures touch the store: the counts live in Redis when it is configured (in this
 * process's memory while Redis does not answer), and the instance whose failure reaches the
 * limit blocks the address and tells the others through the Socket.IO adapter. Checking an
 * address is a local lookup, so an accepted handshake costs no Redis command beyond consuming
 * its ticket. An instance that missed the broadcast (started later, or Redis was away) blocks at
 * its own next failure of that address, as its increment lands past the limit: an address gets
 * at most one failure per instance beyond the limit in a window.
 */
@Injectable()
export class HandshakeRateLimiter {
  private readonly logger = new Logger(HandshakeRateLimiter.name);
  private readonly shared?: FailedAttemptsStore;
  private readonly local = new MemoryFailedAttempts();
  private readonly limit: number;
  /** Address → end of its block (ms since the epoch). */
  private readonly blocked = new Map<string, number>();
  private peers?: Namespace;
  private sharedFailing = false;

  constructor(@Inject(REDIS_CLIENT) redis: RedisClient | null, config: ConfigService<AllConfig, true>) {
    this.limit = config.get('ws.failedHandshakesPerMinute', { infer: true });
    if (redis) this.shared = new RedisFailedAttempts(redis, config.get('redis.keyPrefix', { infer: true }));
  }

  /** Shares blocks with the other instances on `namespace`'s adapter (the Redis adapter). */
  shareBlocksThrough(namespace: Namespace): void {
    this.peers = namespace;
    namespace.on(ADDRESS_BLOCKED_EVENT, (address: unknown, resetInMs: unknown) => {
      // Sent by our own instances through Redis, still checked before it is believed.
      if (typeof address !== 'string' || address.length === 0 || address.length > MAX_ADDRESS_LENGTH) return;
      if (typeof resetInMs !== 'number' || !Number.isFinite(resetInMs) || resetInMs <= 0) return;
      this.block(address, Math.min(resetInMs, FAILED_ATTEMPTS_WINDOW_MS));
    });
  }

  /** True when `address` used up its failures for the current window. */
  isLimited(address: string): boolean {
    const until = this.blocked.get(address);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.blocked.delete(address);
    return false;
  }

  /** Counts one refused attempt from `address`, blocking it once the limit is reached. */
  async recordFailure(address: string): Promise<void> {
    const { failures, resetInMs } = await this.increment(address);
    if (failures < this.limit) return;
    this.block(address, resetInMs);
    if (failures === this.limit) {
      this.logger.warn({ event: 'ws.rate_limited', address, limit: this.limit }, 'Too many refused socket authentications from one address');
      this.peers?.serverSideEmit(ADDRESS_BLOCKED_EVENT, address, resetInMs);
    }
  }

  private block(address: string, resetInMs: number): void {
    const now = Date.now();
    if (this.blocked.size >= MAX_BLOCKED_ADDRESSES && !this.blocked.has(address)) {
      for (const [blocked, until] of this.blocked) if (until <= now) this.blocked.delete(blocked);
      if (this.blocked.size >= MAX_BLOCKED_ADDRESSES) this.blocked.clear();
    }
    this.blocked.set(address, now + resetInMs);
  }

  private async increment(address: string): Promise<FailureWindow> {
    if (this.shared) {
      try {
        const window = await this.shared.increment(address);
        if (this.sharedFailing) this.logger.log('Counting failed socket authentications in Redis again');
        this.sharedFailing = false;
        return window;
      } catch (error) {
        if (!this.sharedFailing) {
          this.logger.warn(`Redis unavailable for failed-handshake counts, counting in memory: ${error instanceof Error ? error.message : String(error)}`);
        }
        this.sharedFailing = true;
      }
    }
    return this.local.increment(address);
  }
}

import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ReplyError } from 'ioredis';
import { StoreUnavailableException } from '../common/errors';
import type { RedisClient } from '../redis/redis.constants';
import { CONSUME_SCRIPT, ISSUE_SCRIPT, REVOKE_ALL_SCRIPT, REVOKE_SCRIPT } from './redis-ticket.scripts';
import {
  ConsumeOutcome,
  IssueOutcome,
  RejectReason,
  TicketRecord,
  TicketStore,
  TOMBSTONE_GRACE_MS,
} from './ticket-store.interface';

interface TicketCommands {
  ticketIssue(ticket: string, index: string, ...args: (string | number)[]): Promise<[number, string?]>;
  ticketConsume(ticket: string, tomb: string, ...args: (string | number)[]): Promise<[number, string?]>;
  ticketRevoke(ticket: string, tomb: string, ...args: (string | number)[]): Promise<number>;
  ticketRevokeAll(index: string, ...args: (string | number)[]): Promise<number>;
}

/**
 * Tickets in Redis, shared by every instance. Each operation is one Lua script (one round
 * trip), so a ticket is accepted at most once across any number of instances, and expiry is
 * Redis's own TTL. Connection failures and timeouts become `StoreUnavailableException`.
 */
export class RedisTicketStore implements TicketStore {
  readonly kind = 'redis' as const;
  private readonly logger = new Logger(RedisTicketStore.name);
  private readonly commands: TicketCommands;
  private readonly indexPrefix: string;
  private readonly indexSuffix = '}:tickets';

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    this.indexPrefix = `${prefix}user:{`;
    redis.defineCommand('ticketIssue', { numberOfKeys: 2, lua: ISSUE_SCRIPT });
    redis.defineCommand('ticketConsume', { numberOfKeys: 2, lua: CONSUME_SCRIPT });
    redis.defineCommand('ticketRevoke', { numberOfKeys: 2, lua: REVOKE_SCRIPT });
    redis.defineCommand('ticketRevokeAll', { numberOfKeys: 1, lua: REVOKE_ALL_SCRIPT });
    this.commands = redis as unknown as TicketCommands;
  }

  async issue(ticketHash: string, record: TicketRecord, maxActive: number): Promise<IssueOutcome> {
    const now = Date.now();
    const ttlSeconds = Math.max(1, Math.round((record.expiresAt - now) / 1000));
    const [status, soonest] = await this.run(() =>
      this.commands.ticketIssue(
        this.ticketKey(ticketHash),
        this.indexKey(record.userId),
        record.userId,
        JSON.stringify(record),
        ttlSeconds,
        now,
        record.expiresAt,
        maxActive,
        ticketHash,
      ),
    );
    if (status === 1) return { issued: true };
    if (status === -1) throw new Error('ticket hash collision');
    const retryAfterSeconds = Math.max(1, Math.ceil((Number(soonest) - now) / 1000));
    return { issued: false, reason: 'too_many_active', retryAfterSeconds };
  }

  async consume(ticketHash: string): Promise<ConsumeOutcome> {
    const [accepted, value] = await this.run(() =>
      this.commands.ticketConsume(
        this.ticketKey(ticketHash),
        this.tombKey(ticketHash),
        this.indexPrefix,
        this.indexSuffix,
        ticketHash,
        TOMBSTONE_GRACE_MS,
      ),
    );
    if (accepted === 1) return { accepted: true, record: JSON.parse(value!) as TicketRecord };
    if (!value) return { accepted: false, reason: 'unknown_or_expired' };
    const separator = value.indexOf(':');
    return {
      accepted: false,
      reason: value.slice(0, separator) as Exclude<RejectReason, 'unbound_proof'>,
      userId: value.slice(separator + 1),
    };
  }

  async revoke(ticketHash: string, ownerId: string | null): Promise<boolean> {
    const revoked = await this.run(() =>
      this.commands.ticketRevoke(
        this.ticketKey(ticketHash),
        this.tombKey(ticketHash),
        ownerId ?? '',
        this.indexPrefix,
        this.indexSuffix,
        ticketHash,
        TOMBSTONE_GRACE_MS,
      ),
    );
    return revoked === 1;
  }

  async revokeAllForUser(userId: string): Promise<number> {
    return this.run(() =>
      this.commands.ticketRevokeAll(
        this.indexKey(userId),
        Date.now(),
        `${this.prefix}ticket:{`,
        `${this.prefix}tomb:{`,
        userId,
        TOMBSTONE_GRACE_MS,
      ),
    );
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await this.run(() => this.redis.ping());
    return performance.now() - started;
  }

  private ticketKey(ticketHash: string): string {
    return `${this.prefix}ticket:{${ticketHash}}`;
  }

  private tombKey(ticketHash: string): string {
    return `${this.prefix}tomb:{${ticketHash}}`;
  }

  private indexKey(userId: string): string {
    return this.indexPrefix + createHash('sha1').update(userId).digest('hex') + this.indexSuffix;
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (error instanceof ReplyError) this.logger.error(`Redis refused a store command: ${(error as Error).message}`);
      throw new StoreUnavailableException(error);
    }
  }
}

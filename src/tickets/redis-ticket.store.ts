import { Logger } from '@nestjs/common';
import { hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ReplyError } from 'ioredis';
import { StoreUnavailableException } from '../common/errors';
import type { RedisClient } from '../redis/redis.constants';
import {
  CLUSTER_RESERVE_SCRIPT,
  CLUSTER_REVOKE_SCRIPT,
  CLUSTER_STORE_SCRIPT,
  CLUSTER_TAKE_SCRIPT,
  CONSUME_SCRIPT,
  ISSUE_SCRIPT,
  REVOKE_ALL_SCRIPT,
  REVOKE_SCRIPT,
} from './redis-ticket.scripts';
import {
  ConsumeOutcome,
  IssueOutcome,
  RejectReason,
  TicketRecord,
  TicketStore,
  TOMBSTONE_GRACE_MS,
} from './ticket-store.interface';

type Arg = string | number;
type Reply = [number, string?, string?];

interface TicketCommands {
  ticketIssue(ticket: string, index: string, rate: string, ...args: Arg[]): Promise<Reply>;
  ticketConsume(ticket: string, tomb: string, ...args: Arg[]): Promise<Reply>;
  ticketRevoke(ticket: string, tomb: string, ...args: Arg[]): Promise<number>;
  ticketRevokeAll(index: string, ...args: Arg[]): Promise<number>;
  ticketReserve(index: string, rate: string, ...args: Arg[]): Promise<Reply>;
  ticketStore(ticket: string, ...args: Arg[]): Promise<Reply>;
  ticketTake(ticket: string, tomb: string, ...args: Arg[]): Promise<Reply>;
  ticketRevokeOne(ticket: string, tomb: string, ...args: Arg[]): Promise<string | number>;
}

/** How many replicas must acknowledge a consume or revoke, and how long to wait for them. */
export interface Durability {
  waitReplicas: number;
  waitTimeoutMs: number;
}

/** Generation is limited per user in fixed one-minute windows. */
const RATE_WINDOW_MS = 60_000;
const RATE_SUFFIX = '}:rate';

const NO_REPLICA_WAIT: Durability = { waitReplicas: 0, waitTimeoutMs: 0 };

type ScriptDefinitions = Partial<Record<keyof TicketCommands, { numberOfKeys: number; lua: string }>>;

/** The scripts of a single node: every operation touches the ticket and its user's index at once. */
const SINGLE_NODE_SCRIPTS: ScriptDefinitions = {
  ticketIssue: { numberOfKeys: 3, lua: ISSUE_SCRIPT },
  ticketConsume: { numberOfKeys: 2, lua: CONSUME_SCRIPT },
  ticketRevoke: { numberOfKeys: 2, lua: REVOKE_SCRIPT },
  ticketRevokeAll: { numberOfKeys: 1, lua: REVOKE_ALL_SCRIPT },
};

/** The scripts of a Cluster, where the ticket's slot and the index's slot are reached separately. */
const CLUSTER_SCRIPTS: ScriptDefinitions = {
  ticketReserve: { numberOfKeys: 2, lua: CLUSTER_RESERVE_SCRIPT },
  ticketStore: { numberOfKeys: 1, lua: CLUSTER_STORE_SCRIPT },
  ticketTake: { numberOfKeys: 2, lua: CLUSTER_TAKE_SCRIPT },
  ticketRevokeOne: { numberOfKeys: 2, lua: CLUSTER_REVOKE_SCRIPT },
};

/**
 * Tickets on a single Redis node (standalone, or a Sentinel-managed primary), shared by every
 * instance. Each operation is one Lua script — one round trip — so a ticket is accepted at
 * most once however many instances race, and expiry is Redis's own TTL. Connection failures
 * and timeouts become `StoreUnavailableException`.
 */
export class RedisTicketStore implements TicketStore {
  readonly kind = 'redis' as const;
  protected readonly logger = new Logger(this.constructor.name);
  protected readonly commands: TicketCommands;
  protected readonly indexPrefix: string;
  protected readonly indexSuffix = '}:tickets';

  constructor(
    protected readonly redis: RedisClient,
    protected readonly prefix: string,
    private readonly durability: Durability = NO_REPLICA_WAIT,
  ) {
    this.indexPrefix = `${prefix}user:{`;
    for (const [name, definition] of Object.entries(this.scripts())) redis.defineCommand(name, definition);
    this.commands = redis as unknown as TicketCommands;
  }

  /**
   * The scripts this store runs, defined as commands on its client. Only these: on a Cluster,
   * ioredis copies every defined script onto each auto-pipelining batch, once per turn and node.
   */
  protected scripts(): ScriptDefinitions {
    return SINGLE_NODE_SCRIPTS;
  }

  async issue(ticketHash: string, record: TicketRecord, maxActive: number, perMinute = 0): Promise<IssueOutcome> {
    const now = Date.now();
    const userTag = this.userTag(record.userId);
    const reply = await this.run(() =>
      this.commands.ticketIssue(
        this.ticketKey(ticketHash),
        userTag + this.indexSuffix,
        userTag + RATE_SUFFIX,
        record.userId,
        JSON.stringify(record),
        ttlSecondsOf(record, now),
        now,
        record.expiresAt,
        maxActive,
        ticketHash,
        perMinute,
        RATE_WINDOW_MS,
      ),
    );
    return issueOutcome(reply, now);
  }

  async consume(ticketHash: string): Promise<ConsumeOutcome> {
    const [accepted, value] = await this.replicated<Reply>('ticketConsume', [
      this.ticketKey(ticketHash),
      this.tombKey(ticketHash),
      this.indexPrefix,
      this.indexSuffix,
      ticketHash,
      TOMBSTONE_GRACE_MS,
    ]);
    return accepted === 1 ? { accepted: true, record: JSON.parse(value!) as TicketRecord } : rejection(value);
  }

  async revoke(ticketHash: string, ownerId: string | null): Promise<boolean> {
    const revoked = await this.replicated<number>('ticketRevoke', [
      this.ticketKey(ticketHash),
      this.tombKey(ticketHash),
      this.indexPrefix,
      this.indexSuffix,
      ticketHash,
      TOMBSTONE_GRACE_MS,
      ownerId ?? '',
    ]);
    return revoked === 1;
  }

  async revokeAllForUser(userId: string): Promise<number> {
    return this.run(() =>
      this.commands.ticketRevokeAll(
        this.indexKey(userId),
        Date.now(),
        `${this.prefix}ticket:{`,
        `${this.prefix}tomb:{`,
        TOMBSTONE_GRACE_MS,
      ),
    );
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await this.run(() => this.redis.ping());
    return performance.now() - started;
  }

  protected ticketKey(ticketHash: string): string {
    return `${this.prefix}ticket:{${ticketHash}}`;
  }

  protected tombKey(ticketHash: string): string {
    return `${this.prefix}tomb:{${ticketHash}}`;
  }

  protected indexKey(userId: string): string {
    return this.userTag(userId) + this.indexSuffix;
  }

  /** `<p>user:{<sha1(userId)>` — the start of every per-user key, hash tag included. */
  protected userTag(userId: string): string {
    return this.indexPrefix + hash('sha1', userId, 'hex');
  }

  /**
   * Runs a deleting script and, when replicas must acknowledge it, `WAIT` in the same pipeline
   * (still one round trip). Without the acknowledgements the change could be lost in a
   * failover and the ticket accepted again, so the request fails closed instead.
   */
  private async replicated<T>(command: 'ticketConsume' | 'ticketRevoke', args: Arg[]): Promise<T> {
    const { waitReplicas, waitTimeoutMs } = this.durability;
    if (waitReplicas === 0) {
      return this.run(() => (this.commands[command] as (...all: Arg[]) => Promise<T>)(...args));
    }
    const results = await this.run(async () => {
      const pipeline = this.redis.pipeline() as unknown as Record<string, (...all: Arg[]) => unknown> & { exec(): Promise<[Error | null, unknown][] | null> };
      pipeline[command](...args);
      pipeline.wait(waitReplicas, waitTimeoutMs);
      return pipeline.exec();
    });
    const [[scriptError, reply], [, acknowledged]] = results ?? [[new Error('pipeline discarded'), null], [null, 0]];
    if (scriptError) throw new StoreUnavailableException(scriptError);
    if (Number(acknowledged) < waitReplicas) {
      this.logger.warn(`A ticket change was acknowledged by ${String(acknowledged)} of ${waitReplicas} replicas; failing closed`);
      throw new StoreUnavailableException();
    }
    return reply as T;
  }

  protected async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (error instanceof ReplyError) this.logger.error(`Redis refused a store command: ${(error as Error).message}`);
      throw new StoreUnavailableException(error);
    }
  }
}

/**
 * Tickets on a Redis Cluster. A ticket and its tombstone share a hash tag (one slot); the
 * user's index lives in another slot, so no script may touch both. The order of the two
 * steps keeps the guarantees:
 * - at most once: consuming is one script on the ticket's slot, whatever happens to the index;
 * - the cap never under-counts: issuing reserves the index entry first and stores the ticket
 *   second (a failed second step drops the reservation, or it expires by its score);
 * - the index never keeps a consumed ticket for long: the entry is removed right after the
 *   ticket-slot step, and index entries are pruned by expiry on every issue anyway.
 */
export class RedisClusterTicketStore extends RedisTicketStore {
  protected override scripts(): ScriptDefinitions {
    return CLUSTER_SCRIPTS;
  }

  override async issue(ticketHash: string, record: TicketRecord, maxActive: number, perMinute = 0): Promise<IssueOutcome> {
    const now = Date.now();
    const userTag = this.userTag(record.userId);
    const index = userTag + this.indexSuffix;
    const reserved = await this.run(() =>
      this.commands.ticketReserve(index, userTag + RATE_SUFFIX, now, maxActive, record.expiresAt, ticketHash, perMinute, RATE_WINDOW_MS),
    );
    if (reserved[0] !== 1) return issueOutcome(reserved, now);
    try {
      const stored = await this.run(() =>
        this.commands.ticketStore(this.ticketKey(ticketHash), record.userId, JSON.stringify(record), ttlSecondsOf(record, now)),
      );
      return issueOutcome(stored, now);
    } catch (error) {
      await this.unindex(index, ticketHash);
      throw error;
    }
  }

  override async consume(ticketHash: string): Promise<ConsumeOutcome> {
    const [accepted, first, second] = await this.run(() =>
      this.commands.ticketTake(this.ticketKey(ticketHash), this.tombKey(ticketHash), TOMBSTONE_GRACE_MS),
    );
    if (accepted !== 1) return rejection(first);
    await this.unindex(this.indexKey(first!), ticketHash);
    return { accepted: true, record: JSON.parse(second!) as TicketRecord };
  }

  override async revoke(ticketHash: string, ownerId: string | null): Promise<boolean> {
    const owner = await this.revokeInSlot(ticketHash, ownerId ?? '');
    if (owner === null) return false;
    await this.unindex(this.indexKey(owner), ticketHash);
    return true;
  }

  override async revokeAllForUser(userId: string): Promise<number> {
    const index = this.indexKey(userId);
    const hashes = await this.run(() => this.redis.zrangebyscore(index, Date.now(), '+inf'));
    const owners = await Promise.all(hashes.map((ticketHash) => this.revokeInSlot(ticketHash, userId)));
    await this.unindex(index, ...hashes);
    return owners.filter((owner) => owner !== null).length;
  }

  private async revokeInSlot(ticketHash: string, ownerId: string): Promise<string | null> {
    const owner = await this.run(() =>
      this.commands.ticketRevokeOne(this.ticketKey(ticketHash), this.tombKey(ticketHash), ownerId, TOMBSTONE_GRACE_MS),
    );
    return typeof owner === 'string' ? owner : null;
  }

  /** Best effort: an entry left behind only counts against the cap until the ticket's expiry. */
  private async unindex(index: string, ...ticketHashes: string[]): Promise<void> {
    if (ticketHashes.length === 0) return;
    try {
      await this.redis.zrem(index, ...ticketHashes);
    } catch (error) {
      this.logger.warn(`Could not update a user's ticket index; it heals when the entries expire: ${(error as Error).message}`);
    }
  }
}

function ttlSecondsOf(record: TicketRecord, now: number): number {
  return Math.max(1, Math.round((record.expiresAt - now) / 1000));
}

function issueOutcome([status, detail]: Reply, now: number): IssueOutcome {
  if (status === 1) return { issued: true };
  if (status === -1) throw new StoreUnavailableException(new Error('ticket hash collision'));
  if (status === -2) return { issued: false, reason: 'rate_limited', retryAfterSeconds: Math.max(1, Math.ceil(Number(detail) / 1000)) };
  const soonest = detail;
  const retryAfterSeconds = Math.max(1, Math.ceil((Number(soonest) - now) / 1000));
  return { issued: false, reason: 'too_many_active', retryAfterSeconds };
}

/** Decodes a tombstone (`<reason>:<userId>`), or none, into a refusal. */
function rejection(tombstone: string | undefined): ConsumeOutcome {
  if (!tombstone) return { accepted: false, reason: 'unknown_or_expired' };
  const separator = tombstone.indexOf(':');
  return {
    accepted: false,
    reason: tombstone.slice(0, separator) as Exclude<RejectReason, 'unbound_proof'>,
    userId: tombstone.slice(separator + 1),
  };
}

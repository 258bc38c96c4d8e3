import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { StoreUnavailableException } from '../common/errors';
import {
  ConsumeOutcome,
  IssueOutcome,
  TicketRecord,
  TicketStore,
  TOMBSTONE_GRACE_MS,
} from './ticket-store.interface';

interface Entry {
  json: string;
  userId: string;
  expiresAt: number;
}

interface Tombstone {
  reason: 'replayed' | 'revoked';
  userId: string;
  expiresAt: number;
}

/** A hard bound on live tickets held in memory; beyond it issuing fails as if the store were full. */
const MAX_ENTRIES = 1_000_000;
const SWEEP_INTERVAL_MS = 5_000;
const RATE_WINDOW_MS = 60_000;

/**
 * Single-instance store for development and tests. JavaScript runs each method's body without
 * interleaving, so read-and-delete in `consume` is atomic; records are kept serialized so callers
 * never share objects with the store. Expired entries are swept on a timer.
 */
@Injectable()
export class MemoryTicketStore implements TicketStore, OnModuleDestroy {
  readonly kind = 'memory' as const;
  private readonly tickets = new Map<string, Entry>();
  private readonly tombstones = new Map<string, Tombstone>();
  private readonly byUser = new Map<string, Set<string>>();
  /** Per-user generation counts in fixed one-minute windows. */
  private readonly rateWindows = new Map<string, { hits: number; resetAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async issue(ticketHash: string, record: TicketRecord, maxActive: number, perMinute = 0): Promise<IssueOutcome> {
    if (perMinute > 0) {
      const window = this.countGeneration(record.userId);
      if (window.hits > perMinute) {
        return { issued: false, reason: 'rate_limited', retryAfterSeconds: secondsUntil(window.resetAt, this.now()) };
      }
    }
    const active = this.activeHashes(record.userId);
    if (active.length >= maxActive) {
      const soonest = Math.min(...active.map((hash) => this.tickets.get(hash)!.expiresAt));
      return { issued: false, reason: 'too_many_active', retryAfterSeconds: secondsUntil(soonest, this.now()) };
    }
    if (this.tickets.size >= MAX_ENTRIES) throw new StoreUnavailableException();
    if (this.tickets.has(ticketHash)) throw new Error('ticket hash collision');
    this.tickets.set(ticketHash, { json: JSON.stringify(record), userId: record.userId, expiresAt: record.expiresAt });
    let hashes = this.byUser.get(record.userId);
    if (!hashes) this.byUser.set(record.userId, (hashes = new Set()));
    hashes.add(ticketHash);
    return { issued: true };
  }

  async consume(ticketHash: string): Promise<ConsumeOutcome> {
    const entry = this.live(ticketHash);
    if (!entry) {
      const tombstone = this.tombstone(ticketHash);
      return tombstone
        ? { accepted: false, reason: tombstone.reason, userId: tombstone.userId }
        : { accepted: false, reason: 'unknown_or_expired' };
    }
    this.remove(ticketHash, entry, 'replayed');
    return { accepted: true, record: JSON.parse(entry.json) as TicketRecord };
  }

  async revoke(ticketHash: string, ownerId: string | null): Promise<boolean> {
    const entry = this.live(ticketHash);
    if (!entry || (ownerId !== null && entry.userId !== ownerId)) return false;
    this.remove(ticketHash, entry, 'revoked');
    return true;
  }

  async revokeAllForUser(userId: string): Promise<number> {
    const active = this.activeHashes(userId);
    for (const hash of active) this.remove(hash, this.tickets.get(hash)!, 'revoked');
    return active.length;
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await Promise.resolve();
    return performance.now() - started;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private countGeneration(userId: string): { hits: number; resetAt: number } {
    const now = this.now();
    let window = this.rateWindows.get(userId);
    if (!window || window.resetAt <= now) {
      window = { hits: 0, resetAt: now + RATE_WINDOW_MS };
      this.rateWindows.set(userId, window);
    }
    window.hits += 1;
    return window;
  }

  private live(ticketHash: string): Entry | undefined {
    const entry = this.tickets.get(ticketHash);
    if (entry && entry.expiresAt <= this.now()) {
      this.unindex(ticketHash, entry.userId);
      this.tickets.delete(ticketHash);
      return undefined;
    }
    return entry;
  }

  private tombstone(ticketHash: string): Tombstone | undefined {
    const tombstone = this.tombstones.get(ticketHash);
    if (tombstone && tombstone.expiresAt <= this.now()) {
      this.tombstones.delete(ticketHash);
      return undefined;
    }
    return tombstone;
  }

  private activeHashes(userId: string): string[] {
    return [...(this.byUser.get(userId) ?? [])].filter((hash) => this.live(hash) !== undefined);
  }

  private remove(ticketHash: string, entry: Entry, tombstone: Tombstone['reason']): void {
    this.tickets.delete(ticketHash);
    this.unindex(ticketHash, entry.userId);
    this.tombstones.set(ticketHash, { reason: tombstone, userId: entry.userId, expiresAt: entry.expiresAt + TOMBSTONE_GRACE_MS });
  }

  private unindex(ticketHash: string, userId: string): void {
    const hashes = this.byUser.get(userId);
    hashes?.delete(ticketHash);
    if (hashes?.size === 0) this.byUser.delete(userId);
  }

  private sweep(): void {
    const now = this.now();
    for (const [hash, entry] of this.tickets) {
      if (entry.expiresAt <= now) {
        this.tickets.delete(hash);
        this.unindex(hash, entry.userId);
      }
    }
    for (const [hash, tombstone] of this.tombstones) {
      if (tombstone.expiresAt <= now) this.tombstones.delete(hash);
    }
    for (const [userId, window] of this.rateWindows) {
      if (window.resetAt <= now) this.rateWindows.delete(userId);
    }
  }
}

function secondsUntil(instant: number, now: number): number {
  return Math.max(1, Math.ceil((instant - now) / 1000));
}

import type { JsonWebKey } from 'node:crypto';

/** What a ticket remembers about the user and the JWT that minted it. */
export interface TicketRecord {
  userId: string;
  email?: string;
  permissions: string[];
  metadata?: Record<string, unknown>;
  /** Epoch milliseconds. */
  issuedAt: number;
  /** Epoch milliseconds; the store expires the ticket at this instant. */
  expiresAt: number;
  /** `exp` of the minting JWT in epoch seconds, or null when that JWT had none. */
  tokenExpiresAt: number | null;
  /** Public JWK the redeemer must prove possession of (CONTRACT §6). */
  publicKey?: JsonWebKey;
  /** Set on resume tickets: the socket session they continue. */
  sessionId?: string;
}

/** Why a ticket was not accepted; for operators only, clients just see "invalid". */
export type RejectReason = 'replayed' | 'revoked' | 'unknown_or_expired' | 'unbound_proof';

export type IssueOutcome =
  | { issued: true }
  | { issued: false; reason: 'too_many_active' | 'rate_limited'; retryAfterSeconds: number };

export type ConsumeOutcome =
  | { accepted: true; record: TicketRecord }
  | { accepted: false; reason: Exclude<RejectReason, 'unbound_proof'>; userId?: string };

/**
 * Storage of tickets by hash. Implementations guarantee that `consume` accepts a ticket at most
 * once under any concurrency, and that expiry is enforced by the store itself. Every method
 * rejects with `StoreUnavailableException` when the backing store cannot answer.
 */
export interface TicketStore {
  readonly kind: 'redis' | 'memory';
  /**
   * Stores a ticket unless the user already holds `maxActive` unconsumed ones or has generated
   * `perMinute` tickets in the current one-minute window (0 or omitted: no rate limit). Counting
   * and storing are one atomic step, so the limit holds across instances at no extra round trip.
   */
  issue(ticketHash: string, record: TicketRecord, maxActive: number, perMinute?: number): Promise<IssueOutcome>;
  /** Atomically reads and deletes a ticket, leaving a tombstone. */
  consume(ticketHash: string): Promise<ConsumeOutcome>;
  /** Deletes a ticket if it exists and, unless `ownerId` is null (admin), belongs to `ownerId`. */
  revoke(ticketHash: string, ownerId: string | null): Promise<boolean>;
  /** Deletes every unconsumed ticket of a user; returns how many. */
  revokeAllForUser(userId: string): Promise<number>;
  /** Round-trip latency in milliseconds. */
  ping(): Promise<number>;
}

export const TICKET_STORE = Symbol('TICKET_STORE');

/** How long a tombstone outlives the ticket it replaces, so a late replay is still recognised. */
export const TOMBSTONE_GRACE_MS = 60_000;

import { hash, randomFillSync } from 'node:crypto';

export const TICKET_PREFIX = 'tkt_';
export const TICKET_PATTERN = /^tkt_[A-Za-z0-9_-]{43}$/;
const TICKET_LENGTH = TICKET_PREFIX.length + 43;

const TICKET_BYTES = 32;

/**
 * CSPRNG bytes drawn 64 tickets at a time, as Node does for `randomUUID()`: one call into the
 * generator costs about as much as the bytes of a whole batch. Every byte is used once.
 */
const pool = Buffer.alloc(TICKET_BYTES * 64);
let poolOffset = pool.length;

/** A new ticket: `tkt_` and 32 CSPRNG bytes in base64url. */
export function mintTicket(): string {
  if (poolOffset + TICKET_BYTES > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + TICKET_BYTES);
  poolOffset += TICKET_BYTES;
  return TICKET_PREFIX + bytes.toString('base64url');
}

/** Cheap shape check done before any store lookup, so junk never costs a round trip. */
export function isWellFormedTicket(value: unknown): value is string {
  return typeof value === 'string' && value.length === TICKET_LENGTH && TICKET_PATTERN.test(value);
}

/** The only form in which a ticket is ever stored, logged or counted: SHA-256, base64url. */
export function hashTicket(ticket: string): string {
  // One-shot `hash` (Node >= 20.12): no Hash object to build and finalize; about 2.5x faster.
  return hash('sha256', ticket, 'base64url');
}

/** A short, non-reversible reference to a ticket for audit logs (12 chars of its hash). */
export function ticketRef(ticketHash: string): string {
  return ticketHash.slice(0, 12);
}

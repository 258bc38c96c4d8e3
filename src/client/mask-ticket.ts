const TICKET = /^tkt_[A-Za-z0-9_-]{43}$/;

/** True for a string in the ticket format of CONTRACT §2. */
export function isTicket(value: unknown): value is string {
  return typeof value === 'string' && TICKET.test(value);
}

/**
 * A ticket safe to show or log: its prefix and first and last four random characters
 * (`tkt_abcd…wxyz`), far too little to use. Anything that is not a ticket is fully masked.
 */
export function maskTicket(ticket: string): string {
  return isTicket(ticket) ? `${ticket.slice(0, 8)}…${ticket.slice(-4)}` : '…';
}

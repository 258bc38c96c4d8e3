/** How long generate requests ask their tickets to live. */
export const TICKET_TTL_SECONDS = 300;
/** Pooled tickets older than this are dropped, so none expires between its pooling and its use. */
const MAX_AGE_MS = (TICKET_TTL_SECONDS - 60) * 1000;

const TICKET_IN_BODY = /"ticket":"(tkt_[A-Za-z0-9_-]{43})"/;

/** The ticket in a generate response body, if any. */
export function ticketIn(body: string): string | undefined {
  return TICKET_IN_BODY.exec(body)?.[1];
}

/**
 * Unused tickets of one side (the app's, or the baselines'), oldest first: what generate runs
 * produce, validate and handshake runs consume, each ticket once.
 */
export class TicketPool {
  private batches: { at: number; tickets: string[] }[] = [];

  add(tickets: string[]): void {
    if (tickets.length > 0) this.batches.push({ at: Date.now(), tickets: [...tickets] });
  }

  /** When the oldest pooled ticket was generated (now when the pool is empty). */
  get oldestAt(): number {
    this.dropStale();
    return this.batches[0]?.at ?? Date.now();
  }

  /** Returns tickets a run did not use, as old as `at` says (they go first, being oldest). */
  putBack(tickets: string[], at: number): void {
    if (tickets.length > 0) this.batches.unshift({ at, tickets: [...tickets] });
  }

  get size(): number {
    this.dropStale();
    return this.batches.reduce((sum, batch) => sum + batch.tickets.length, 0);
  }

  /** Up to `count` tickets, oldest first. */
  take(count: number): string[] {
    this.dropStale();
    let taken: string[] = [];
    while (taken.length < count && this.batches.length > 0) {
      const batch = this.batches[0];
      // concat, not push(...): a batch can hold more tickets than a call may take arguments.
      taken = taken.concat(batch.tickets.splice(0, count - taken.length));
      if (batch.tickets.length === 0) this.batches.shift();
    }
    return taken;
  }

  private dropStale(): void {
    const cutoff = Date.now() - MAX_AGE_MS;
    this.batches = this.batches.filter((batch) => batch.at >= cutoff);
  }
}

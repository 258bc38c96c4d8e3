import { Injectable } from '@nestjs/common';
import { Counter, Metric } from 'prom-client';
import type { RejectReason } from './ticket-store.interface';

/** Every reason a presented ticket is refused for; `malformed` is refused before any store lookup. */
export const REJECT_LABELS = ['replayed', 'revoked', 'unknown_or_expired', 'unbound_proof', 'malformed'] as const;
/** The `reason` label of `ticketgate_tickets_rejected_total`. */
export type RejectLabel = RejectReason | 'malformed';

/**
 * This instance's ticket counters. Each `record*` method bumps the plain number the status
 * endpoint reads and the Prometheus counter `/metrics` exposes in the same call, so the two
 * agree by construction. The Prometheus objects belong to no registry here: MetricsModule
 * registers them in the application's own registry.
 */
@Injectable()
export class TicketCounters {
  private issuedCount = 0;
  private consumedCount = 0;
  private revokedCount = 0;
  private readonly rejectedCounts: Record<RejectLabel, number> = {
    replayed: 0,
    revoked: 0,
    unknown_or_expired: 0,
    unbound_proof: 0,
    malformed: 0,
  };

  private readonly issuedTotal = new Counter({
    name: 'ticketgate_tickets_issued_total',
    help: 'Tickets issued by this instance',
    registers: [],
  });
  private readonly consumedTotal = new Counter({
    name: 'ticketgate_tickets_consumed_total',
    help: 'Tickets accepted (consumed) by this instance',
    registers: [],
  });
  private readonly rejectedTotal = new Counter({
    name: 'ticketgate_tickets_rejected_total',
    help: 'Tickets refused by this instance, by reason (replayed, revoked, unknown_or_expired, unbound_proof, malformed)',
    labelNames: ['reason'] as const,
    registers: [],
  });
  private readonly revokedTotal = new Counter({
    name: 'ticketgate_tickets_revoked_total',
    help: 'Unconsumed tickets revoked through this instance',
    registers: [],
  });

  constructor() {
    // Every reason is exported from the start, so rate() and ratios work before the first refusal.
    for (const reason of REJECT_LABELS) this.rejectedTotal.inc({ reason }, 0);
  }

  get issued(): number {
    return this.issuedCount;
  }

  get consumed(): number {
    return this.consumedCount;
  }

  get revoked(): number {
    return this.revokedCount;
  }

  /** Refusals by reason (a copy). */
  get rejectedByReason(): Readonly<Record<RejectLabel, number>> {
    return { ...this.rejectedCounts };
  }

  get rejected(): number {
    return Object.values(this.rejectedCounts).reduce((sum, count) => sum + count, 0);
  }

  /** The Prometheus counters behind these numbers, for the metrics registry. */
  prometheusMetrics(): Metric[] {
    return [this.issuedTotal, this.consumedTotal, this.rejectedTotal, this.revokedTotal];
  }

  recordIssued(): void {
    this.issuedCount += 1;
    this.issuedTotal.inc();
  }

  recordConsumed(): void {
    this.consumedCount += 1;
    this.consumedTotal.inc();
  }

  recordRejected(reason: RejectLabel): void {
    this.rejectedCounts[reason] += 1;
    this.rejectedTotal.inc({ reason });
  }

  recordRevoked(count: number): void {
    if (count <= 0) return;
    this.revokedCount += count;
    this.revokedTotal.inc(count);
  }
}

import { Injectable } from '@nestjs/common';
import type { RejectReason } from './ticket-store.interface';

/** This instance's ticket counters, as the status endpoint reports them. */
@Injectable()
export class TicketCounters {
  issued = 0;
  consumed = 0;
  revoked = 0;
  readonly rejectedByReason: Record<RejectReason | 'malformed', number> = {
    replayed: 0,
    revoked: 0,
    unknown_or_expired: 0,
    unbound_proof: 0,
    malformed: 0,
  };

  get rejected(): number {
    return Object.values(this.rejectedByReason).reduce((sum, count) => sum + count, 0);
  }

  recordIssued(): void {
    this.issued += 1;
  }

  recordConsumed(): void {
    this.consumed += 1;
  }

  recordRejected(reason: RejectReason | 'malformed'): void {
    this.rejectedByReason[reason] += 1;
  }

  recordRevoked(count: number): void {
    this.revoked += count;
  }
}

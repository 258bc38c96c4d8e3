import { DomainException } from './domain.exception';

/** 404: unknown, malformed, expired, used, or someone else's ticket; which one is never said. */
export class TicketNotFoundException extends DomainException {
  readonly code = 'TICKET_NOT_FOUND' as const;

  constructor() {
    super('Ticket not found');
  }
}

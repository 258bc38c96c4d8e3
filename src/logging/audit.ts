/** The `context` of audit lines, whether written on their own or on a request's line. */
export const AUDIT_CONTEXT = 'TicketAudit';

/** One audit event: its fields (`event`, `userId`, `ticketRef`, …), level and message. */
export interface AuditEntry {
  level: 'info' | 'warn';
  fields: Record<string, unknown>;
  message?: string;
}

/**
 * Who an audit event belongs to. An HTTP route passes its request's: the entry then goes on
 * that request's access line, so each request is one line with its outcome (a "canonical log
 * line"). The socket layer passes nothing, and each event is a line of its own.
 */
export interface AuditContext {
  /** The request's id (`X-Request-Id`), put on a line of its own as `req.id`. */
  requestId?: string;
  /**
   * Hands the entry to the request's access line instead; false when that line already holds
   * one (the entry is then written on its own). Set only while request lines are written.
   */
  annotate?: (entry: AuditEntry) => boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The audit entry held for this request's access line; undefined without request logging. */
    auditEntry?: AuditEntry | null;
  }
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { AUDIT_CONTEXT, AuditContext, AuditEntry } from './audit';
import { loggedRoute } from './pino-options';

/**
 * One JSON line per HTTP request — request id, method, client address, route template,
 * status, duration — written from a Fastify `onResponse` hook, after the reply has gone out.
 * A request that caused an audit event (a ticket issued, consumed, refused or revoked) carries
 * it on the same line: `context: "TicketAudit"`, the event's fields and message, at the higher
 * of the two levels. One line instead of two per ticket request, and the event next to its
 * status and duration.
 * A hook instead of pino-http's middleware: no per-request child logger, no middleware
 * routing, no AsyncLocalStorage context, and the matched route template is known here.
 * Call before `init()`/`listen()`.
 */
export function registerRequestLogging(app: NestFastifyApplication): void {
  const logger = PinoLogger.root;
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  // null on every request from now on: `requestAudit` holds entries for this hook.
  fastify.decorateRequest('auditEntry', null);
  fastify.addHook('onResponse', (request, reply, done) => {
    const statusCode = reply.statusCode;
    const audit = request.auditEntry;
    if (audit) {
      request.auditEntry = null;
      (request.raw.socket as AwaitingSocket | null)?.[AWAITING]?.delete(request);
    }
    const level = statusCode >= 500 ? 'error' : statusCode >= 400 || audit?.level === 'warn' ? 'warn' : 'info';
    if (logger.isLevelEnabled(level)) {
      const line = {
        req: { id: request.id, method: request.method, remoteAddress: request.ip },
        res: { statusCode },
        responseTime: Math.round(reply.elapsedTime),
        route: loggedRoute(request.routeOptions.url, request.url),
      };
      if (audit) logger[level]({ context: AUDIT_CONTEXT, ...audit.fields, ...line }, audit.message ?? 'request completed');
      else logger[level](line, 'request completed');
    }
    done();
  });
}

/**
 * The audit context of an HTTP request: its audit event waits for the request's access line.
 * Without request logging (`registerRequestLogging` not called), events get lines of their own.
 */
export function requestAudit(request: FastifyRequest): AuditContext {
  if (request.auditEntry === undefined) return { requestId: request.id };
  return { requestId: request.id, annotate: (entry) => holdForAccessLine(request, entry) };
}

/** Requests on a connection holding an audit entry for their access line. */
const AWAITING = Symbol('ticketgate.awaitingAccessLine');
type AwaitingSocket = Socket & { [AWAITING]?: Set<FastifyRequest> };

function holdForAccessLine(request: FastifyRequest, entry: AuditEntry): boolean {
  const socket = request.raw.socket as AwaitingSocket | null;
  // A second event, or a client already gone (no access line will come): a line of its own.
  if (request.auditEntry !== null || !socket || socket.destroyed) return false;
  request.auditEntry = entry;
  // One listener per connection, not per request: a client that hangs up before its answer
  // gets no access line, but the events it caused happened and are written by themselves.
  let awaiting = socket[AWAITING];
  if (!awaiting) {
    const held = (awaiting = socket[AWAITING] = new Set());
    socket.once('close', () => {
      for (const orphan of held) writeOrphan(orphan);
      held.clear();
    });
  }
  awaiting.add(request);
  return true;
}

function writeOrphan(request: FastifyRequest): void {
  const entry = request.auditEntry;
  if (!entry) return;
  request.auditEntry = null;
  const line = { context: AUDIT_CONTEXT, ...entry.fields, req: { id: request.id } };
  const message = entry.message ?? 'client closed the connection before the answer';
  if (entry.level === 'warn') PinoLogger.root.warn(line, message);
  else PinoLogger.root.info(line, message);
}

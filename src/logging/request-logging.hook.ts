import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { AUDIT_CONTEXT } from './audit';
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
  // null on every request from now on: `requestAudit` hands entries to this hook.
  fastify.decorateRequest('auditEntry', null);
  fastify.addHook('onResponse', (request, reply, done) => {
    const statusCode = reply.statusCode;
    const audit = request.auditEntry;
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

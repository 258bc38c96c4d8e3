import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { loggedRoute } from './pino-options';

/**
 * One JSON line per HTTP request — request id, method, client address, route template,
 * status, duration — written from a Fastify `onResponse` hook, after the reply has gone out.
 * A hook instead of pino-http's middleware: no per-request child logger, no middleware
 * routing, no AsyncLocalStorage context, and the matched route template is known here.
 * Call before `init()`/`listen()`.
 */
export function registerRequestLogging(app: NestFastifyApplication): void {
  const logger = PinoLogger.root;
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.addHook('onResponse', (request, reply, done) => {
    const statusCode = reply.statusCode;
    const level = statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
    if (logger.isLevelEnabled(level)) {
      logger[level](
        {
          req: { id: request.id, method: request.method, remoteAddress: request.ip },
          res: { statusCode },
          responseTime: Math.round(reply.elapsedTime),
          route: loggedRoute(request.routeOptions.url, request.url),
        },
        'request completed',
      );
    }
    done();
  });
}

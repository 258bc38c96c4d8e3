import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Standard security headers on every HTTP response (helmet defaults: nosniff, frame denial,
 * HSTS, referrer policy, …) with a Content-Security-Policy that still lets Swagger UI and the
 * demo page run: scripts only from this origin, inline styles allowed, images from data: URLs.
 */
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  void fastify.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'", 'ws:', 'wss:'],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
}

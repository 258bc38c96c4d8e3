import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { MetricsService } from './metrics.service';

/**
 * Times every HTTP request into `ticketgate_http_request_duration_seconds`. An `onResponse`
 * hook: it runs after the reply is sent, so it adds nothing to the client's latency, and
 * `reply.elapsedTime` is Fastify's own measurement from the start of the request.
 * `routeOptions.url` is the matched template (`/api/v1/websocket/ticket/:ticket`), never the
 * path itself, and is undefined for unmatched requests. Call before `init()`/`listen()`.
 */
export function registerHttpMetrics(app: NestFastifyApplication): void {
  const { http } = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.addHook('onResponse', (request, reply, done) => {
    http.observe(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

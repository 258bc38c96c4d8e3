import { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import { answerClientError, frameworkErrorsHandler } from './common/filters/framework-errors';
import { HttpExceptionFilter } from './common/filters/http-exception.filter';
import { fastifyTrustProxy } from './common/client-address';
import { BODY_LIMIT_BYTES, MAX_PARAM_LENGTH, REQUEST_TIMEOUT_MS } from './common/http-limits';
import { registerSecurityHeaders, securityHeaders } from './common/security-headers';
import { registerJsonBodyParser } from './common/validation/json-body.parser';
import { JsonBodyValidationPipe } from './common/validation/json-body-validation.pipe';
import { AllConfig, appConfig } from './config';
import { requestIdFor } from './logging/pino-options';
import { registerRequestLogging } from './logging/request-logging.hook';
import { WsIoAdapter } from './ws-auth/ws-io.adapter';
import { registerHttpMetrics } from './metrics/http-metrics.hook';

/** The options every entry point creates the app with: Nest adds no body parsers (see registerJsonBodyParser). */
export const APP_OPTIONS: NestApplicationOptions = { bufferLogs: true, bodyParser: false };

/**
 * The Fastify adapter every entry point uses: 16 KiB bodies, long enough path parameters, a
 * request timeout, errors raised before routing in the contract's shape, and `TRUST_PROXY`
 * (read here because the adapter exists before the app and its ConfigService).
 */
export function createFastifyAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: fastifyTrustProxy(appConfig().trustProxy),
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Node (20) ignores requestTimeout while headersTimeout (default 60 s) is longer, and looks for
    // timed-out requests every 30 s by default, which would let one hang for 40.
    http: { headersTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000 },
    frameworkErrors: frameworkErrorsHandler(securityHeaders()),
    clientErrorHandler: answerClientError,
    // nestjs-pino owns request logging; Fastify stays quiet.
    logger: false,
    genReqId: requestIdFor,
  });
}

/**
 * Everything `main.ts` and the e2e tests share: logger, validation, error filter, CORS, route
 * templates for logs, Swagger. Call before `init()`/`listen()`.
 */
export function configureApp(app: NestFastifyApplication): NestFastifyApplication {
  const config = app.get(ConfigService<AllConfig, true>);
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new JsonBodyValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
  app.useWebSocketAdapter(new WsIoAdapter(app));

  const corsOrigins = config.get('app.corsOrigins', { infer: true });
  if (corsOrigins.length > 0) {
    app.enableCors({
      origin: corsOrigins,
      // @fastify/cors allows only GET, HEAD and POST unless told; revocation routes are DELETE.
      methods: ['GET', 'HEAD', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['Retry-After', 'X-Request-Id'],
    });
  }

  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  registerJsonBodyParser(fastify);
  registerSecurityHeaders(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
  registerRequestLogging(app);
  registerHttpMetrics(app);

  setupSwagger(app);
  return app;
}

function setupSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Ticketgate')
      .setDescription(
        'Single-use, short-lived tickets for authenticating Socket.IO connections. ' +
          'Authorize with a JWT from your identity provider (or `npm run token` in development), ' +
          'generate a ticket, and pass it as `auth.ticket` in the Socket.IO handshake.',
      )
      .setVersion('1.0.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

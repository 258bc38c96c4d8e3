import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const SECRET_LIKE = /(tkt_[A-Za-z0-9_-]+|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*)/g;

/** Set by an onRequest hook: the matched route's template, so paths with tickets are never logged. */
export interface TemplatedRequest extends IncomingMessage {
  routeTemplate?: string;
}

/** Removes anything shaped like a ticket or a JWT from a string bound for the logs. */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_LIKE, '[REDACTED]');
}

/** The route a request is logged under: its template when matched, else its scrubbed path. */
export function loggedRoute(request: TemplatedRequest): string {
  if (request.routeTemplate) return request.routeTemplate;
  const path = (request.url ?? '').split('?')[0];
  return scrubSecrets(path).slice(0, 200);
}

/** The request id: the caller's `X-Request-Id` when it is short and plain, else a new UUID. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** pino-std-serializers' shape of an error, as our `err` serializer receives it. */
interface SerializedError {
  type?: string;
  message?: string;
  stack?: string;
  [key: string]: unknown;
}

/**
 * pino-http options; only safe fields are logged. The route is added when the response
 * finishes (pino-http binds `req` before routing, when the template is not yet known).
 * Secrets are kept out three ways: serializers log no headers, URLs or bodies; `redact` blanks
 * known secret-bearing keys wherever a caller logs them; and every string message and error
 * text is scrubbed of anything shaped like a ticket or a JWT.
 */
export function pinoHttpOptions(level: string): Options {
  const withRoute = (request: IncomingMessage, _response: ServerResponse, value: object) => ({
    ...value,
    route: loggedRoute(request as TemplatedRequest),
  });
  return {
    level,
    genReqId: (request: IncomingMessage) => (request as IncomingMessage & { id?: string }).id ?? requestIdFor(request),
    serializers: {
      req: (request: { id: unknown; method: string; remoteAddress?: string }) => ({
        id: request.id,
        method: request.method,
        remoteAddress: request.remoteAddress,
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      err: (error: SerializedError) => ({
        ...error,
        ...(typeof error.message === 'string' ? { message: scrubSecrets(error.message) } : {}),
        ...(typeof error.stack === 'string' ? { stack: scrubSecrets(error.stack) } : {}),
      }),
    },
    customSuccessObject: withRoute,
    customErrorObject: (request, response, error, value) => {
      // pino-http invents `Error('failed with status code 503')` for every 5xx; its stack says
      // nothing the status does not, and it would turn each failing readiness probe into a trace.
      if (error.message === `failed with status code ${response.statusCode}`) {
        const { err: _synthetic, ...rest } = value as { err?: unknown };
        return withRoute(request, response, rest);
      }
      return withRoute(request, response, value);
    },
    redact: {
      paths: [
        'req.headers',
        'authorization',
        '*.authorization',
        'headers.authorization',
        '*.headers.authorization',
        'token',
        '*.token',
        'ticket',
        '*.ticket',
        'proof',
        '*.proof',
        'auth',
        '*.auth',
      ],
      censor: '[REDACTED]',
    },
    hooks: {
      logMethod(args, method) {
        for (let i = 0; i < args.length; i += 1) {
          if (typeof args[i] === 'string') args[i] = scrubSecrets(args[i] as string);
        }
        method.apply(this, args);
      },
    },
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
  };
}

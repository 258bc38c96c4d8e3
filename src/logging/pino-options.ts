import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Options } from 'pino-http';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const SECRET_LIKE = /(tkt_[A-Za-z0-9_-]+|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*)/g;

/** Removes anything shaped like a ticket or a JWT from a string bound for the logs. */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_LIKE, '[REDACTED]');
}

/** The route a request is logged under: its template when matched, else its scrubbed path. */
export function loggedRoute(template: string | undefined, url: string): string {
  if (template) return template;
  return scrubSecrets(url.split('?')[0]).slice(0, 200);
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
 * Options of the application's pino logger (nestjs-pino builds it through pino-http). Request
 * lines are written by `registerRequestLogging`, not by pino-http's middleware. Secrets are
 * kept out three ways: request lines carry no headers, URLs or bodies; `redact` blanks known
 * secret-bearing keys, at the top level and in headers, bodies, queries and handshakes a caller
 * logs; and every string message and error text is scrubbed of anything shaped like a ticket or
 * a JWT.
 */
export function pinoHttpOptions(level: string): Options {
  return {
    level,
    serializers: {
      // Request lines pass plain { id, method, remoteAddress } / { statusCode } objects. pino-http
      // wraps these serializers to expect Node's request and response, keeping ours as `raw`.
      req: (request: { raw?: object }) => request.raw ?? request,
      res: (response: { raw?: object }) => response.raw ?? response,
      err: (error: SerializedError) => ({
        ...error,
        ...(typeof error.message === 'string' ? { message: scrubSecrets(error.message) } : {}),
        ...(typeof error.stack === 'string' ? { stack: scrubSecrets(error.stack) } : {}),
      }),
    },
    // Named paths only: a leading wildcard would make pino clone and walk every line it writes
    // (about 4% of a ticket request's CPU); these cost nothing on lines without these keys.
    redact: {
      paths: [
        'authorization',
        'token',
        'ticket',
        'proof',
        'auth',
        'headers.authorization',
        'headers.cookie',
        'body.token',
        'body.ticket',
        'body.proof',
        'query.token',
        'query.ticket',
        'handshake.auth',
        'handshake.headers.authorization',
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
  };
}

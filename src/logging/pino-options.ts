import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Options } from 'pino-http';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const SECRET_LIKE = /(tkt_[A-Za-z0-9_-]+|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*)/g;

/** Removes anything shaped like a ticket or a JWT from a string bound for the logs. */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_LIKE, '[REDACTED]');
}

/** Could `text` hold a ticket or a JWT? Cheap enough for every field of every line. */
function mayHoldSecret(text: string): boolean {
  return text.includes('tkt_') || text.includes('eyJ');
}

/**
 * `fields` with every string that holds a ticket or a JWT scrubbed, in plain objects up to two
 * levels deep (`{ userAgent }`, `{ req: { remoteAddress } }`). Values that came from a client (a
 * user agent, a forwarded address, a query parameter, a claim) end up in fields, not only in
 * messages. The same object when nothing needed scrubbing, else a copy: callers' objects are
 * never changed. Errors are left to the `err` serializer.
 */
export function scrubFields<T extends object>(fields: T, depth = 2): T {
  const source = fields as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in source) {
    const value = source[key];
    let scrubbed = value;
    if (typeof value === 'string') {
      if (mayHoldSecret(value)) scrubbed = scrubSecrets(value);
    } else if (depth > 1 && value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      scrubbed = scrubFields(value, depth - 1);
    }
    if (scrubbed !== value) (copy ??= { ...source })[key] = scrubbed;
  }
  return (copy as T | undefined) ?? fields;
}

/** The route a request is logged under: its template when matched, else its scrubbed path. */
export function loggedRoute(template: string | undefined, url: string): string {
  if (template) return template;
  return scrubSecrets(url.split('?')[0]).slice(0, 200);
}

/**
 * The request id: the caller's `X-Request-Id` when it is short, plain and not shaped like a
 * ticket or a JWT (it is logged and echoed), else a new UUID.
 */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) && !mayHoldSecret(given) ? given : randomUUID();
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
 * logs; and every string message, every string field two levels deep and error text is scrubbed
 * of anything shaped like a ticket or a JWT.
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
          const arg: unknown = args[i];
          if (typeof arg === 'string') args[i] = scrubSecrets(arg);
          else if (arg !== null && typeof arg === 'object' && !(arg instanceof Error)) args[i] = scrubFields(arg);
        }
        method.apply(this, args);
      },
    },
  };
}
